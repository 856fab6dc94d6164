"""Prepares one benchmark run: tokens, URLs, the POST pool, and each endpoint's SQL query count.

Usage: python bench/plan.py --out DIR [--search-word WORD] [--only health,list]
Writes DIR/plan.json (read by bench/run.py) and, for POST /api/proposals/, DIR/post_tokens.txt,
DIR/post_competitions.txt and DIR/post_pairs.txt (read by bench/wrk/post_proposals.lua).
"""

import argparse
import json
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_SEARCH_WORD, PAGE_SIZE, access_token, is_missing, load_fixtures, probe, setup_django

setup_django()

from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from competitions.models import Competition, CompetitionStatus  # noqa: E402
from proposals.models import Proposal  # noqa: E402

POST_FREELANCERS = 400
POST_COMPETITIONS = 300
MAX_BID = 1500  # the POST bodies bid 500-1499 (proposal_body, wrk/post_proposals.lua)


def post_pool(out: Path, exclude_user_id, size: int) -> dict:
    """Freelancer tokens x open competitions, minus pairs that already have a proposal."""
    rng = random.Random(11)  # noqa: S311 - picking benchmark rows, not secrets
    soon = timezone.now() + timezone.timedelta(hours=2)
    competitions = list(
        Competition.objects.filter(
            status=CompetitionStatus.OPEN,
            max_proposals__isnull=True,
            submission_deadline__gt=soon,
            budget__gte=MAX_BID,  # a bid may not exceed the prize (issue 12): every body is valid
        ).values_list("id", flat=True)[:20_000]
    )
    freelancers = list(
        User.objects.filter(role=Role.FREELANCER, is_active=True)
        .exclude(pk=exclude_user_id)
        .values_list("id", flat=True)[:20_000]
    )
    competitions = rng.sample(competitions, min(POST_COMPETITIONS, len(competitions)))
    freelancers = rng.sample(freelancers, min(POST_FREELANCERS, len(freelancers)))
    taken = set(
        Proposal.objects.filter(competition_id__in=competitions, freelancer_id__in=freelancers).values_list(
            "competition_id", "freelancer_id"
        )
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=freelancers)}
    tokens = [access_token(users[f]) for f in freelancers]
    pairs = []
    # Walk the grid diagonally so consecutive requests hit different competitions and users.
    for step in range(len(competitions) * len(freelancers)):
        ci = step % len(competitions)
        fi = (step // len(competitions) + ci) % len(freelancers)
        if (competitions[ci], freelancers[fi]) in taken:
            continue
        pairs.append((fi + 1, ci + 1))  # Lua arrays start at 1
        if len(pairs) >= size:
            break
    (out / "post_tokens.txt").write_text("\n".join(tokens) + "\n")
    (out / "post_competitions.txt").write_text("\n".join(str(c) for c in competitions) + "\n")
    (out / "post_pairs.txt").write_text("\n".join(f"{f} {c}" for f, c in pairs) + "\n")
    first = pairs[0] if pairs else None
    return {
        "pairs": len(pairs),
        "sample_token": tokens[first[0] - 1] if first else None,
        "sample_competition": str(competitions[first[1] - 1]) if first else None,
    }


def proposal_body(competition_id: str, n: int = 0) -> dict:
    return {
        "competition": competition_id,
        "title": "Benchmark proposal",
        "description": "A plan, milestones and a fixed price.",
        "proposed_budget": f"{500 + n % 1000}.00",
        "estimated_duration": 7 + n % 30,
    }


def busted(endpoint: dict) -> str:
    """The endpoint's path; for a cache-miss endpoint, with a query string never sent before."""
    if not endpoint.get("bust"):
        return endpoint["path"]
    return f"{endpoint['path']}{'&' if '?' in endpoint['path'] else '?'}_bust={uuid.uuid4().hex}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--search-word", default=DEFAULT_SEARCH_WORD)
    parser.add_argument("--only", default="", help="comma-separated endpoint keys (default: all)")
    parser.add_argument("--post-pool", type=int, default=40_000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    only = {k for k in args.only.split(",") if k}

    fx = load_fixtures(args.search_word)
    heavy_token = access_token(fx.heavy)
    owner_token = access_token(fx.owner_of_select_winner)
    endpoints = [
        {"key": "health", "label": "GET /api/health/ (ceiling)", "method": "GET", "path": "/api/health/"},
        {"key": "list", "label": "GET /api/competitions/ (page 1)", "method": "GET", "path": "/api/competitions/"},
        {
            "key": "deep",
            "label": f"GET /api/competitions/?page={fx.deep_page} (offset {(fx.deep_page - 1) * PAGE_SIZE:,})",
            "method": "GET",
            "path": f"/api/competitions/?page={fx.deep_page}",
        },
        {
            "key": "search",
            "label": f"GET /api/competitions/?search={fx.search_word} ({fx.search_matches:,} open matches)",
            "method": "GET",
            "path": f"/api/competitions/?search={fx.search_word}",
        },
        {
            "key": "notifications",
            "label": "GET /api/notifications/ (heavy user)",
            "method": "GET",
            "path": "/api/notifications/",
            "token": heavy_token,
        },
        {
            "key": "client_proposals",
            "label": "GET /api/proposals/competition/<id>/ (owner, select-winner competition)",
            "method": "GET",
            "path": f"/api/proposals/competition/{fx.select_winner_competition.pk}/",
            "token": owner_token,
        },
        {"key": "post_proposal", "label": "POST /api/proposals/ (distinct user x competition)", "method": "POST"},
    ]
    # The public list is cached for every visitor (PUBLIC_LIST_CACHE_SECONDS): its three rows
    # measure what visitors get, mostly cache hits. Each is followed by the same URL with a query
    # string no request repeats (an ignored `_bust` parameter): the database path of a miss.
    endpoints = [
        variant
        for endpoint in endpoints
        for variant in (
            [
                endpoint,
                dict(endpoint, key=f"{endpoint['key']}_miss", label=f"{endpoint['label']}, cache miss", bust=True),
            ]
            if endpoint["key"] in ("list", "deep", "search")
            else [endpoint]
        )
    ]
    endpoints = [e for e in endpoints if not only or e["key"] in only]

    for endpoint in endpoints:
        if endpoint["key"] == "post_proposal":
            pool = post_pool(args.out, fx.heavy.pk, args.post_pool)
            endpoint.update(path="/api/proposals/", pool=pool["pairs"])
            if not pool["pairs"]:
                endpoint.update(missing=True, note="no free (freelancer, open competition) pair")
                continue
            warm = probe("GET", "/api/health/")  # noqa: F841 - opens the connection first
            # Rolled back: the probe's proposal never reaches the table.
            result = probe(
                "POST",
                "/api/proposals/",
                pool["sample_token"],
                proposal_body(pool["sample_competition"]),
                rollback=True,
            )
        else:
            token = endpoint.get("token")
            probe(endpoint["method"], busted(endpoint), token)  # warm-up (caches, last_seen)
            result = probe(endpoint["method"], busted(endpoint), token)
        endpoint.update(
            status=result.status,
            queries=result.queries,
            inprocess_ms=round(result.seconds * 1000, 2),
            missing=is_missing(result),
            sql=result.sql,
        )
        if endpoint["key"] == "notifications" and isinstance(result.body, dict):
            data = result.body.get("data") or {}
            endpoint["count"] = data.get("count") if isinstance(data, dict) else None
        print(
            f"   {endpoint['label']}: HTTP {result.status} in-process, {result.queries} queries"
            + (" -> MISSING (not measured)" if endpoint["missing"] else "")
        )

    plan = {
        "open_competitions": fx.open_count,
        "total_competitions": Competition.objects.count(),
        "proposals": Proposal.objects.count(),
        "select_winner_proposals": fx.select_winner_competition.proposals.count(),
        "heavy_user": fx.heavy.email,
        "heavy_notifications": fx.heavy.notifications.count(),
        "search_word": fx.search_word,
        "search_matches": fx.search_matches,
        "search_matches_title": Competition.objects.filter(
            Q(status=CompetitionStatus.OPEN) & Q(title__icontains=fx.search_word)
        ).count(),
        "endpoints": endpoints,
    }
    (args.out / "plan.json").write_text(json.dumps(plan, indent=2, default=str))


if __name__ == "__main__":
    main()
