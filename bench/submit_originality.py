"""Submission with images on a crowded competition (issue 16): statements and p50 latency.

Usage: DB_NAME=<database> python bench/submit_originality.py [-n 60] [--proposals 5000] [--reseed]

Without a broker (the default here: no REDIS_URL) the fingerprinting task runs in the request's
process after the commit, so it is timed; with a broker it would leave the request.

Seeds (once; `--reseed` to redo) a competition with N proposals, each fingerprinted as a real
submission would be: two image fingerprints (random 64-bit pHash/dHash: the band-key collision
rate of real pictures, measured in the README, is the same 6 %), a MinHash sketch of its own
text, and their band keys; plus a small competition with 10 proposals for comparison. Then
times, in-process through `django.test.Client` with the production-like settings of
bench/profile_paths.py, alternating request by request:

- `POST /api/proposals/` as JSON, no file (the baseline of its competition);
- the same, multipart with two JPEG attachments (1200x900, ~170 KB each);

each on the crowded and on the small competition, inside rolled-back transactions whose
`on_commit` callbacks (the fingerprinting) run inside the timing, and counts the statements of
each. Files go to a temporary folder. Prints a table for bench/README.md.
"""

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.update(
    DJANGO_DEBUG="False",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    DJANGO_ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="False",
    THROTTLE_ANON="1000000000/second",
    THROTTLE_USER="1000000000/second",
    THROTTLE_LOGIN="1000000000/second",
    PRIVATE_MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-originality-"),
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import TRANSACTION_CONTROL, access_token, setup_django

CROWDED_ID = uuid.UUID("0619a1a1-0000-4000-8000-000000005000")
SMALL_ID = uuid.UUID("0619a1a1-0000-4000-8000-000000000010")
WORDS = (  # noqa: SIM905 - one readable block of words
    "api design layout brand logo colour palette typography grid mobile desktop landing page "
    "checkout cart payment search filter dashboard chart report export import user account login "
    "signup onboarding email campaign newsletter icon illustration animation video banner poster "
    "flyer menu bakery coffee fitness travel hotel booking calendar map route delivery courier "
    "warehouse stock invoice tax accounting bank loan insurance health clinic doctor patient school"
).split()


def seed(competition_id: uuid.UUID, proposals: int, owner, rng: random.Random) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from competitions.models import Competition, CompetitionStatus
    from originality import fingerprints as fp
    from originality.models import FileFingerprint, ImageKey, TextKey, TextSketch
    from proposals.models import Proposal, ProposalAttachment

    tag = competition_id.hex[-8:]
    Competition.objects.filter(pk=competition_id).delete()
    User.objects.filter(email__startswith=f"orig-{tag}-").delete()
    now = timezone.now()
    with transaction.atomic():
        competition = Competition.objects.create(
            id=competition_id,
            client=owner,
            title=f"Originality benchmark ({proposals} proposals)",
            description="A logo and a landing page.",
            requirements="PNG or JPEG.",
            budget=Decimal("5000.00"),
            submission_deadline=now + timedelta(days=300),
            deadline=now + timedelta(days=330),
            status=CompetitionStatus.OPEN,
            category="design",
            published_at=now,
        )
    password = make_password("bench-password-123")
    for start in range(0, proposals, 1000):
        batch = range(start, min(start + 1000, proposals))
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    email=f"orig-{tag}-{n}@bench.test",
                    username=f"orig-{tag}-{n}",
                    password=password,
                    role=Role.FREELANCER,
                )
                for n in batch
            )
            rows = Proposal.objects.bulk_create(
                Proposal(
                    competition=competition,
                    freelancer=user,
                    title=f"Entry {n}",
                    description=" ".join(rng.choice(WORDS) for _ in range(120)),
                    proposed_budget=Decimal("900.00"),
                    estimated_duration=10,
                )
                for n, user in zip(batch, users, strict=True)
            )
            attachments = ProposalAttachment.objects.bulk_create(
                ProposalAttachment(
                    proposal=proposal,
                    file=f"proposal_attachments/{proposal.pk}/{i}.jpg",
                    original_filename=f"{i}.jpg",
                    file_size=150_000,
                    file_type="jpg",
                )
                for proposal in rows
                for i in range(2)
            )
            fingerprints, sketches, image_keys, text_keys = [], [], [], []
            for attachment in attachments:
                hashes = (fp._signed(rng.getrandbits(64)), fp._signed(rng.getrandbits(64)))
                fingerprints.append(
                    FileFingerprint(
                        attachment=attachment,
                        proposal_id=attachment.proposal_id,
                        sha256=secrets.token_hex(32),
                        phash=hashes[0],
                        dhash=hashes[1],
                    )
                )
                image_keys.extend(
                    ImageKey(
                        proposal_id=attachment.proposal_id,
                        competition=competition,
                        key=k,
                        phash=hashes[0],
                        dhash=hashes[1],
                    )
                    for k in fp.image_band_keys(hashes)
                )
            for proposal in rows:
                text = f"{proposal.title}\n{proposal.description}"
                signature = fp.text_signature(text)
                sketches.append(TextSketch(proposal=proposal, digest=fp.text_digest(text), signature=signature))
                text_keys.extend(
                    TextKey(proposal=proposal, competition=competition, key=k)
                    for k in dict.fromkeys(fp.text_band_keys(signature))
                )
            FileFingerprint.objects.bulk_create(fingerprints, batch_size=5000)
            TextSketch.objects.bulk_create(sketches, batch_size=5000)
            ImageKey.objects.bulk_create(image_keys, batch_size=5000)
            TextKey.objects.bulk_create(text_keys, batch_size=5000)
        print(f"  seeded {batch.stop:,}/{proposals:,} proposals of {competition.title}", flush=True)


def jpeg(seed: int) -> bytes:
    from originality.tests import images

    return images.encode(images.artwork(seed, (1200, 900)), "JPEG", quality=85)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="timed submissions per case (after 5 of warm-up)")
    parser.add_argument("--proposals", type=int, default=5000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--profile", action="store_true", help="then cProfile n submissions with files")
    parser.add_argument("--sql", action="store_true", help="print the statements of one submission per case")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""), help="default: no Redis")
    args = parser.parse_args()
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    setup_django()

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from competitions.models import Competition

    rng = random.Random(16)  # noqa: S311 - benchmark data
    owner, _ = User.objects.get_or_create(
        email="orig-owner@bench.test", defaults={"username": "orig-owner", "role": Role.CLIENT}
    )
    for competition_id, count in ((CROWDED_ID, args.proposals), (SMALL_ID, 10)):
        current = Competition.objects.filter(pk=competition_id).first()
        if args.reseed or current is None or current.proposals.count() != count:
            seed(competition_id, count, owner, rng)

    freelancers = iter(
        User.objects.bulk_create(
            User(
                email=f"orig-new-{secrets.token_hex(6)}@bench.test",
                username=f"orig-new-{secrets.token_hex(6)}",
                role=Role.FREELANCER,
            )
            for _ in range(4 * (args.n + 5) + 20)
        )
    )
    tokens = {}
    # Not `rng`: its sequence made the seeded texts, and would make the same ones again.
    texts = random.Random(secrets.randbits(32))  # noqa: S311 - benchmark data
    images = [jpeg(903), jpeg(907)]  # seeds with noise: photo-like, ~170 KB each
    client = Client()

    def submit(competition_id: uuid.UUID, with_files: bool, show_sql: bool = False) -> tuple[float, int]:
        user = next(freelancers)
        tokens[user.pk] = access_token(user)
        body = {
            "competition": str(competition_id),
            "title": "Benchmark entry",
            "description": " ".join(texts.choice(WORDS) for _ in range(120)),
            "proposed_budget": "700.00",
            "estimated_duration": "9",
        }
        if with_files:
            body["attachments"] = [
                SimpleUploadedFile(f"shot{i}.jpg", data, content_type="image/jpeg") for i, data in enumerate(images)
            ]
            kwargs = {"data": body}
        else:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            pending = len(connection.run_on_commit)
            started = time.perf_counter()
            response = client.post("/api/proposals/", HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}", **kwargs)
            deferred = connection.run_on_commit[pending:]
            del connection.run_on_commit[pending:]
            for _savepoints, callback, _robust in deferred:
                callback()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 201, response.content[:300]
            transaction.set_rollback(True)
        sql = [q["sql"] for q in captured.captured_queries]
        sql = [s for s in sql if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)]
        if show_sql:
            print(f"-- {competition_id} {'with' if with_files else 'without'} files")
            for statement in sql:
                print(f"    {statement[:160]}")
        return elapsed, len(sql)

    cases = [
        (f"{args.proposals:,} proposals, no file (JSON)", CROWDED_ID, False),
        (f"{args.proposals:,} proposals, two JPEGs (multipart)", CROWDED_ID, True),
        ("10 proposals, no file (JSON)", SMALL_ID, False),
        ("10 proposals, two JPEGs (multipart)", SMALL_ID, True),
    ]
    for round_ in range(5):
        for _label, competition_id, with_files in cases:
            submit(competition_id, with_files, show_sql=args.sql and round_ == 4)
    results = {label: ([], set()) for label, *_ in cases}
    for _ in range(args.n):
        for label, competition_id, with_files in cases:
            elapsed, statements = submit(competition_id, with_files)
            results[label][0].append(elapsed)
            results[label][1].add(statements)
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(min(args.n, 20)):
            submit(CROWDED_ID, True)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(70)
    User.objects.filter(email__startswith="orig-new-").delete()

    # Each case against the no-file submission on the same competition.
    baselines = {cid: statistics.median(results[label][0]) for label, cid, files in cases if not files}
    print(f"\n| submit (n = {args.n} each, alternating) | p50 ms | p90 ms | statements | p50 ÷ no-file p50 |")
    print("|---|---|---|---|---|")
    for (label, (times, statements)), (_label, competition_id, _files) in zip(results.items(), cases, strict=True):
        baseline = baselines[competition_id]
        times.sort()
        shown = ", ".join(str(s) for s in sorted(statements))
        print(
            f"| {label} | {statistics.median(times):.1f} | {times[len(times) * 9 // 10]:.1f} | {shown} | "
            f"{statistics.median(times) / baseline:.2f}x |"
        )


if __name__ == "__main__":
    main()
