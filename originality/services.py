"""Originality writes: fingerprinting a proposal and finding its matches; reports and decisions.

`fingerprint_proposal` runs a fixed number of statements whatever the size of the competition:
every lookup is one indexed query (the same SHA-256 anywhere; a shared band key in the same
competition), then the few candidates are compared exactly in Python. It writes its own
fingerprints in one transaction and looks for matches in a second one, so of two proposals
fingerprinted at the same moment the later lookup always sees the other's fingerprints.
"""

import logging
from datetime import timedelta
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Subquery, Value
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from freelance_arena.events import send_on_commit
from freelance_arena.tasks import enqueue
from proposals.models import Proposal, ProposalAttachment, ProposalStatus, private_storage
from proposals.permissions import require_client_of, require_freelancer_of

from . import events, tasks
from . import fingerprints as fp
from .models import (
    DECISION_STATUS,
    FileFingerprint,
    ImageKey,
    Match,
    MatchKind,
    Report,
    ReportDecision,
    ReportStatus,
    TextKey,
    TextSketch,
)

logger = logging.getLogger(__name__)

# The reported freelancer's time to answer a report.
REPORT_RESPONSE_WINDOW = timedelta(hours=24)
# At most this many proposals sharing one file are recorded (a file everybody attaches, like a
# licence text, must not make one submission write thousands of rows).
IDENTICAL_FILE_LOOKUP_LIMIT = 200
READ_CHUNK = 1024 * 1024


# --- Fingerprints -------------------------------------------------------------------------------


def fingerprint_later(proposal_id: Any) -> None:
    """Fingerprints the proposal on the task queue once the current transaction commits (without
    a broker: in this process, right after the commit); a failure is logged, never the request's
    error. The task reads everything it needs from the database and the storage."""
    enqueue(tasks.fingerprint_proposal, proposal_id=str(proposal_id))


def fingerprint_proposal(proposal_id: Any) -> int:
    """(Re)computes the proposal's fingerprints and matches; returns the number of matches.

    Every read is inside a transaction, so on the primary: queued right after a commit, the rows
    may not have reached a read replica yet."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.filter(pk=proposal_id)
            .only("id", "competition_id", "freelancer_id", "title", "description", "created_at")
            .first()
        )
        if proposal is None:
            return 0
        files, signature, first = _store_fingerprints(proposal)
    with transaction.atomic():
        return _store_matches(proposal, files, signature, replace=not first)


def _file_bytes(attachment: ProposalAttachment) -> bytes | None:
    try:
        with private_storage().open(attachment.file.name, "rb") as handle:
            return b"".join(iter(lambda: handle.read(READ_CHUNK), b""))
    except OSError:
        logger.warning("originality: attachment %s has no readable file", attachment.pk)
        return None


def _store_fingerprints(proposal: Proposal) -> tuple[list[FileFingerprint], bytes | None, bool]:
    """Fingerprints the files not fingerprinted yet (a file never changes: a new one is a new
    attachment, a removed one takes its row along), the text if its words changed, and rewrites
    the proposal's band keys. Returns the files, the text signature and whether this is the
    proposal's first fingerprinting (a submission: it has no keys or matches to replace)."""
    attachments = list(ProposalAttachment.objects.filter(proposal_id=proposal.pk).select_related("fingerprint"))
    files, new = [], []
    for attachment in attachments:
        existing = getattr(attachment, "fingerprint", None)
        if existing is not None:
            files.append(existing)
            continue
        data = _file_bytes(attachment)
        if data is None:
            continue
        hashes = fp.image_hashes(data) if attachment.file_type in fp.IMAGE_TYPES else None
        row = FileFingerprint(
            attachment=attachment,
            proposal_id=proposal.pk,
            sha256=fp.sha256([data]),
            phash=hashes[0] if hashes else None,
            dhash=hashes[1] if hashes else None,
        )
        new.append(row)
        files.append(row)
    if new:
        FileFingerprint.objects.bulk_create(new, ignore_conflicts=True)

    text = f"{proposal.title}\n{proposal.description}"
    digest = fp.text_digest(text)
    sketch = TextSketch.objects.filter(proposal_id=proposal.pk).first()
    first = sketch is None
    if first:
        sketch = TextSketch(proposal_id=proposal.pk, digest=digest, signature=fp.text_signature(text))
        TextSketch.objects.bulk_create([sketch], ignore_conflicts=True)
    elif sketch.digest != digest:
        sketch.digest, sketch.signature = digest, fp.text_signature(text)
        sketch.save(update_fields=["digest", "signature", "updated_at"])
    signature = bytes(sketch.signature) if sketch.signature is not None else None

    if not first:
        ImageKey.objects.filter(proposal_id=proposal.pk).delete()
        TextKey.objects.filter(proposal_id=proposal.pk).delete()
    image_keys = {
        (key, row.phash, row.dhash)
        for row in files
        if row.phash is not None
        for key in fp.image_band_keys((row.phash, row.dhash))
    }
    ImageKey.objects.bulk_create(
        ImageKey(proposal_id=proposal.pk, competition_id=proposal.competition_id, key=key, phash=phash, dhash=dhash)
        for key, phash, dhash in image_keys
    )
    if signature is not None:
        TextKey.objects.bulk_create(
            TextKey(proposal_id=proposal.pk, competition_id=proposal.competition_id, key=key)
            for key in dict.fromkeys(fp.text_band_keys(signature))
        )
    return files, signature, first


def _near_images(proposal: Proposal, images: list[FileFingerprint]) -> QuerySet:
    """(proposal_id, phash, dhash, created_at) of the images of the competition's other proposals
    that share a band key with one of `images` and, on MySQL/MariaDB, are within IMAGE_DISTANCE_MAX
    of it (BIT_COUNT of the XOR, on the index entries): 8-bit bands let ~6 % of unrelated images
    through, thousands of rows on a competition of 5,000 entries. Python computes the exact
    distance of what is left either way."""
    keys = sorted({key for row in images for key in fp.image_band_keys((row.phash, row.dhash))})
    rows = ImageKey.objects.filter(competition_id=proposal.competition_id, key__in=keys).exclude(
        proposal_id=proposal.pk
    )
    if connections[rows.db].vendor == "mysql":
        near = Q()
        for index, own in enumerate(images):
            distance = _bit_count(F("phash").bitxor(Value(own.phash))) + _bit_count(F("dhash").bitxor(Value(own.dhash)))
            rows = rows.alias(**{f"distance_{index}": distance})
            near |= Q(**{f"distance_{index}__lte": fp.IMAGE_DISTANCE_MAX})
        rows = rows.filter(near)
    return rows.values_list("proposal_id", "phash", "dhash", "proposal__created_at").distinct()


def _bit_count(expression) -> Func:
    return Func(expression, function="BIT_COUNT", output_field=IntegerField())


def _store_matches(proposal: Proposal, files: list[FileFingerprint], signature: bytes | None, replace: bool) -> int:
    """Replaces every match the proposal takes part in (both directions) by the current ones
    (`replace` false: a first fingerprinting, nothing to replace)."""
    if replace:
        Match.objects.filter(Q(proposal_id=proposal.pk) | Q(matched_id=proposal.pk)).delete()
    # matched proposal id -> (kind -> score), with what each direction needs to know.
    found: dict[Any, dict[str, float]] = {}
    about: dict[Any, tuple[Any, Any]] = {}  # id -> (competition_id, created_at)

    def record(matched_id, competition_id, created_at, kind: str, score: float) -> None:
        about[matched_id] = (competition_id, created_at)
        scores = found.setdefault(matched_id, {})
        scores[kind] = max(score, scores.get(kind, 0.0))

    shas = {row.sha256 for row in files}
    if shas:
        rows = (
            FileFingerprint.objects.filter(sha256__in=shas)
            .exclude(proposal_id=proposal.pk)
            # Across competitions, a freelancer re-using their own file copies nobody.
            .exclude(proposal__freelancer_id=proposal.freelancer_id)
            .values_list("proposal_id", "sha256", "proposal__competition_id", "proposal__created_at")
            .order_by()[:IDENTICAL_FILE_LOOKUP_LIMIT]
        )
        for matched_id, _sha, competition_id, created_at in rows:
            record(matched_id, competition_id, created_at, MatchKind.IDENTICAL_FILE, 1.0)

    images = [row for row in files if row.phash is not None]
    if images:
        for matched_id, phash, dhash, created_at in _near_images(proposal, images):
            for own in images:
                distance = fp.image_distance((own.phash, own.dhash), (phash, dhash))
                if distance == 0 and MatchKind.IDENTICAL_FILE in found.get(matched_id, {}):
                    continue  # most likely the very same file: already an IDENTICAL_FILE
                if distance <= fp.IMAGE_DISTANCE_MAX:
                    record(
                        matched_id,
                        proposal.competition_id,
                        created_at,
                        MatchKind.SIMILAR_IMAGE,
                        fp.image_score(distance),
                    )

    if signature is not None:
        candidates = (
            TextKey.objects.filter(competition_id=proposal.competition_id, key__in=fp.text_band_keys(signature))
            .exclude(proposal_id=proposal.pk)
            .values("proposal_id")
            .annotate(shared=Count("key", distinct=True))
            .filter(shared__gte=fp.TEXT_MIN_SHARED_KEYS)
            .values("proposal_id")
        )
        rows = TextSketch.objects.filter(proposal_id__in=Subquery(candidates), signature__isnull=False).values_list(
            "proposal_id", "signature", "proposal__created_at"
        )
        for matched_id, other, created_at in rows:
            similarity = fp.text_similarity(signature, bytes(other))
            if similarity >= fp.TEXT_SIMILARITY_MIN:
                record(matched_id, proposal.competition_id, created_at, MatchKind.SIMILAR_TEXT, similarity)

    matches = []
    for matched_id, scores in found.items():
        competition_id, created_at = about[matched_id]
        same = competition_id == proposal.competition_id
        for kind, score in scores.items():
            matches.append(
                Match(
                    proposal_id=proposal.pk,
                    matched_id=matched_id,
                    kind=kind,
                    score=score,
                    same_competition=same,
                    submitted_earlier=created_at < proposal.created_at,
                )
            )
            matches.append(
                Match(
                    proposal_id=matched_id,
                    matched_id=proposal.pk,
                    kind=kind,
                    score=score,
                    same_competition=same,
                    submitted_earlier=proposal.created_at < created_at,
                )
            )
    if matches:
        Match.objects.bulk_create(matches, ignore_conflicts=True)
    return len(matches) // 2


# --- Reports ------------------------------------------------------------------------------------


def _refuse(message: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: [message]})


def report_proposal(*, proposal: Proposal, by, reason: str, original_proposal_id: Any = None) -> Report:
    """The competition's owner reports the proposal as a copy; `proposal_reported` (its
    freelancer is notified) follows the commit."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("competition").get(pk=proposal.pk)
        require_client_of(locked.competition, by, "report its proposals")
        if not locked.can_transition_to(ProposalStatus.DISQUALIFIED):
            raise _refuse(f"A {locked.status} proposal cannot be reported.")
        if Report.objects.filter(proposal_id=locked.pk, status=ReportStatus.OPEN).exists():
            raise _refuse("This proposal already has an open report: wait for the decision on it.")
        original = None
        if original_proposal_id is not None:
            original = (
                Proposal.objects.openable_by_client(by)
                .filter(pk=original_proposal_id, competition_id=locked.competition_id)
                .exclude(pk=locked.pk)
                .first()
            )
            if original is None:
                raise _refuse("No other proposal with this id in this competition.", "original_proposal")
        report = Report.objects.create(proposal=locked, original_proposal=original, reported_by=by, reason=reason)
        send_on_commit(events.proposal_reported, Report, report=report)
    return report


def respond_to_report(*, proposal: Proposal, by, response: str, now=None) -> Report:
    """The reported freelancer's answer: once, within REPORT_RESPONSE_WINDOW of the report."""
    now = now or timezone.now()
    require_freelancer_of(proposal, by, "answer its report")
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(proposal_id=proposal.pk, status=ReportStatus.OPEN)
            .order_by("-created_at")
            .first()
        )
        if report is None:
            raise _refuse("This proposal has no open report to answer.")
        if report.responded_at is not None:
            raise _refuse("This report has already been answered.")
        if now > report.created_at + REPORT_RESPONSE_WINDOW:
            raise _refuse("The 24 hours to answer this report have passed.")
        report.response = response
        report.responded_at = now
        report.save(update_fields=["response", "responded_at"])
    return report


def decide_report(*, report: Report, by, decision: str, note: str) -> Report:
    """An admin's decision, once: DISMISS, or DISQUALIFY (the proposal becomes DISQUALIFIED).
    `report_decided` (both parties are notified) follows the commit. A DISQUALIFY the proposal's
    status refuses leaves the report OPEN."""
    from proposals.services import disqualify_proposal  # proposals.services imports this module

    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("proposal__competition").get(pk=report.pk)
        if locked.status != ReportStatus.OPEN:
            raise _refuse(f"This report was already decided ({locked.status}).")
        if decision == ReportDecision.DISQUALIFY:
            locked.proposal = disqualify_proposal(proposal=locked.proposal, by=by, note=note)
        locked.status = DECISION_STATUS[decision]
        locked.note = note
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "note", "decided_by", "decided_at"])
        send_on_commit(events.report_decided, Report, report=locked)
    return locked
