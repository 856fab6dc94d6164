"""Turns one run's results.json into the Markdown table of bench/RESULTS.md (newest run first).

Usage (re-render a past run): python bench/report.py bench/.work/<stamp>/results.json [--write]
"""

import json
import sys
from pathlib import Path

HEADER = """# Benchmark results

Written by `bench/run.sh` (see bench/README.md). Newest run first. Ratios compare each endpoint
with the ceiling (`/api/health/`) measured in the same run, because absolute numbers on a shared
machine drift from run to run.
"""
MARKER = "<!-- runs below, newest first -->"

# The goal thresholds of issue 7: one place, used by the table and by README.md.
LIST_RPS_MIN = 0.50
DEEP_P50_MAX = 2.0
SEARCH_P50_MAX = 3.0
NOTIFICATIONS_RPS_MIN = 0.40
POST_RPS_MIN = 0.20
POST_ERROR_RATE_MAX = 0.01
SMALL_LARGE_P50_MAX = 1.5
SELECT_WINNER_SECONDS_MAX = 1.0
CRON_SECONDS_MAX = 5.0
CRON_QUERIES_MAX = 200
DRIFT_WARN = 0.20


def _endpoints(plan: dict) -> dict[str, dict]:
    return {e["key"]: e for e in (plan or {}).get("endpoints", [])}


def ceiling_for(plan: dict, endpoint: dict) -> tuple[float, float] | None:
    """The ceiling measured right after this endpoint when there is one, else the run's mean."""
    paired = endpoint.get("ceiling_wrk") if endpoint else None
    if paired:
        return paired["rps"], paired["p50_ms"]
    return ceiling(plan)


def ceiling(plan: dict) -> tuple[float, float] | None:
    """Mean requests/s and p50 of /api/health/, measured at the start and the end of the run."""
    health = _endpoints(plan).get("health")
    if not health or "wrk" not in health:
        return None
    runs = [health["wrk"]] + ([health["end"]["wrk"]] if "wrk" in health.get("end", {}) else [])
    return sum(r["rps"] for r in runs) / len(runs), sum(r["p50_ms"] for r in runs) / len(runs)


def fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "-" if value is None else pattern.format(value)


def endpoint_table(plan: dict) -> list[str]:
    ceil = ceiling(plan)
    lines = [
        "| endpoint | HTTP | req/s | p50 ms | p99 ms | SQL queries / request | ceiling req/s (paired) "
        "| req/s ÷ ceiling | p50 ÷ ceiling p50 | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for e in plan.get("endpoints", []):
        if e.get("missing"):
            note = e.get("note") or "endpoint not implemented yet"
            lines.append(f"| {e['label']} | {e.get('status', '-')} | missing | | | | | | | {note} |")
            continue
        w = e.get("wrk")
        if not w:
            continue
        is_ceiling = e["key"] == "health"
        near = ceiling_for(plan, e)
        rps_ratio = w["rps"] / near[0] if near and not is_ceiling else None
        p50_ratio = w["p50_ms"] / near[1] if near and near[1] and not is_ceiling else None
        paired = e.get("ceiling_wrk")
        paired_text = f"{paired['rps']:.1f}" if paired else ("-" if is_ceiling else "mean")
        errors = f"{w['http_errors']} HTTP ≥ 400, {w['socket_errors']} socket"
        if "created" in w:
            total = w["created"] + w["other"]
            rate = w["other"] / total if total else 0
            errors = f"{w['created']} x 201, {w['other']} other ({rate:.1%}) {w.get('other_statuses') or ''}".strip()
            if w.get("sent", 0) > w.get("pool", 0):
                errors += f"; pool of {w['pool']:,} pairs exhausted (duplicates expected)"
        lines.append(
            f"| {e['label']} | {e.get('http_status', e.get('status'))} | {w['rps']:.1f} | {w['p50_ms']:.2f} "
            f"| {w['p99_ms']:.2f} | {e.get('queries', '-')} | {paired_text} | {fmt(rps_ratio, '{:.0%}')} "
            f"| {fmt(p50_ratio, '{:.2f}x')} | {errors} |"
        )
    health = _endpoints(plan).get("health", {})
    if "wrk" in health.get("end", {}):
        end = health["end"]["wrk"]
        lines.append(
            f"| (ceiling again at the end of the run) | 200 | {end['rps']:.1f} | {end['p50_ms']:.2f} "
            f"| {end['p99_ms']:.2f} | {health.get('queries', '-')} | | | | drift check |"
        )
    if ceil:
        lines += [
            "",
            f"Ceiling used for the ratios (mean of both measurements): {ceil[0]:.1f} req/s, p50 {ceil[1]:.2f} ms.",
        ]
        if "wrk" in health.get("end", {}):
            start_rps, end_rps = health["wrk"]["rps"], health["end"]["wrk"]["rps"]
            drift = abs(end_rps - start_rps) / max(start_rps, end_rps)
            if drift > DRIFT_WARN:
                lines.append(
                    f"**The ceiling moved by {drift:.0%} during the run: the machine was busy; "
                    "compare with another run before trusting the ratios.**"
                )
    return lines


def goal_rows(results: dict) -> list[tuple[str, str, str, str]]:
    plan = results.get("plan", {})
    eps = _endpoints(plan)

    def w(key: str) -> dict | None:
        e = eps.get(key)
        return e.get("wrk") if e and not e.get("missing") else None

    rows = []
    post = w("post_proposal")
    # The page-1 goal is about what visitors get: the cached list. The deep-page, search and
    # large-vs-small goals ask whether the database keeps up, so they compare cache misses when
    # the run has them (older runs, without the list cache, have only the plain rows).
    miss = bool(w("list_miss"))
    suffix = "_miss" if miss else ""
    lst, deep, search = w("list" + suffix), w("deep" + suffix), w("search" + suffix)

    def ratio_goal(name, target, measured, ok, missing_what):
        if measured is None:
            rows.append((name, target, "not measured", f"not met ({missing_what})"))
        else:
            rows.append((name, target, measured, "met" if ok else "not met"))

    def near(key: str) -> tuple[float, float] | None:
        return ceiling_for(plan, eps.get(key, {}))

    def rps_goal(name: str, key: str, minimum: float, label: str) -> None:
        ep, c = w(key), near(key)
        if ep and c:
            r = ep["rps"] / c[0]
            ratio_goal(name, f"≥ {minimum:.0%} of ceiling req/s", f"{r:.0%}", r >= minimum, "")
        else:
            ratio_goal(name, f"≥ {minimum:.0%} of ceiling req/s", None, False, f"{label} missing")

    rps_goal("public list, page 1", "list", LIST_RPS_MIN, "GET /api/competitions/")
    if miss:
        rps_goal("public list, page 1, cache miss", "list_miss", LIST_RPS_MIN, "GET /api/competitions/ (miss)")
    m = ", cache misses" if miss else ""
    if lst and deep:
        r = deep["p50_ms"] / lst["p50_ms"]
        ratio_goal(
            f"deep page p50 (offset ≥ 50,000){m}", f"≤ {DEEP_P50_MAX:g}x page 1 p50", f"{r:.2f}x", r <= DEEP_P50_MAX, ""
        )
    else:
        ratio_goal(
            f"deep page p50 (offset ≥ 50,000){m}",
            f"≤ {DEEP_P50_MAX:g}x page 1 p50",
            None,
            False,
            "list/deep page missing",
        )
    if lst and search:
        r = search["p50_ms"] / lst["p50_ms"]
        ratio_goal(f"search p50{m}", f"≤ {SEARCH_P50_MAX:g}x list p50", f"{r:.2f}x", r <= SEARCH_P50_MAX, "")
    else:
        ratio_goal(f"search p50{m}", f"≤ {SEARCH_P50_MAX:g}x list p50", None, False, "list/search missing")
    rps_goal("notifications of a user with 1,000", "notifications", NOTIFICATIONS_RPS_MIN, "GET /api/notifications/")
    if post and near("post_proposal"):
        r = post["rps"] / near("post_proposal")[0]
        total = post["created"] + post["other"]
        err = post["other"] / total if total else 1.0
        ok = r >= POST_RPS_MIN and err <= POST_ERROR_RATE_MAX
        ratio_goal(
            "POST /api/proposals/",
            f"≥ {POST_RPS_MIN:.0%} of ceiling req/s, errors ≤ {POST_ERROR_RATE_MAX:.0%}",
            f"{r:.0%}, errors {err:.1%}",
            ok,
            "",
        )
    else:
        ratio_goal("POST /api/proposals/", f"≥ {POST_RPS_MIN:.0%} of ceiling req/s", None, False, "endpoint missing")

    small = _endpoints(results.get("small_baseline", {})).get("list" + suffix, {})
    small_w = small.get("wrk") if not small.get("missing") else None
    if lst and small_w:
        r = lst["p50_ms"] / small_w["p50_ms"]
        ratio_goal(
            f"public list p50, large vs small set{m}",
            f"≤ {SMALL_LARGE_P50_MAX:g}x",
            f"{r:.2f}x ({lst['p50_ms']:.2f} vs {small_w['p50_ms']:.2f} ms)",
            r <= SMALL_LARGE_P50_MAX,
            "",
        )
    else:
        why = "list missing" if not lst else "no small-set baseline in this run (it runs with --size large)"
        ratio_goal(f"public list p50, large vs small set{m}", f"≤ {SMALL_LARGE_P50_MAX:g}x", None, False, why)

    select = results.get("inprocess", {}).get("select_winner")
    target = f"< {SELECT_WINNER_SECONDS_MAX:g} s, same query count as on a small competition"
    if select and select.get("available") and "large" in select:
        big, little = select["large"], select.get("small")
        constant = little is not None and little["queries"] == big["queries"]
        measured = f"{big['seconds']:.3f} s, {big['queries']} queries on {big['proposals']:,} proposals"
        if little:
            measured += f" ({little['queries']} on {little['proposals']:,})"
        ratio_goal(
            "select winner",
            target,
            measured,
            big["seconds"] < SELECT_WINNER_SECONDS_MAX and constant and big["closed"],
            "",
        )
    else:
        rows.append(("select winner", target, "not available", f"not met ({(select or {}).get('note', 'not run')})"))

    cron = results.get("inprocess", {}).get("cron", {})
    for command in ("close_expired_competitions", "remind_deadlines"):
        info = cron.get(command)
        target = f"10,000 due: ≤ {CRON_SECONDS_MAX:g} s, ≤ {CRON_QUERIES_MAX} statements"
        if not info or not info.get("available"):
            rows.append((command, target, "not available", f"not met ({(info or {}).get('note', 'not run')})"))
            continue
        runs = info["runs"]
        biggest = max(runs, key=int)
        run = runs[biggest]
        if "error" in run:
            rows.append((command, target, run["error"], "not met"))
            continue
        scaling = ", ".join(
            f"{int(n):,} due: {r.get('queries', '?')} q" for n, r in sorted(runs.items(), key=lambda x: int(x[0]))
        )
        ok = int(biggest) >= 10_000 and run["seconds"] <= CRON_SECONDS_MAX and run["queries"] <= CRON_QUERIES_MAX
        if int(biggest) < 10_000:
            scaling += "; run with --due ...,10000 to judge"
        rows.append(
            (
                command,
                target,
                f"{run['seconds']:.2f} s, {run['queries']} statements ({scaling})",
                "met" if ok else "not met",
            )
        )
    return rows


def render(results: dict) -> str:
    m = results.get("machine", {})
    plan = results.get("plan", {})
    s = results.get("settings", {})
    lines = [
        f"## {results['started']} — {results['size']} set",
        "",
        f"- Machine: {m.get('nproc')} CPU ({m.get('cpu', '?')}), {m.get('memory_gib', '?')} GiB RAM, "
        f"MariaDB {m.get('mariadb')} (buffer pool {m.get('innodb_buffer_pool_mib')} MiB), Python {m.get('python')}, "
        f"Django {m.get('django')}, {m.get('wrk')}, {m.get('platform')}",
        f"- Load: wrk {s.get('threads')} threads, {s.get('connections')} connections, {s.get('duration')} s per "
        f"endpoint after {s.get('warmup', 0)} s of warm-up; gunicorn {s.get('workers')} sync workers, "
        "DEBUG off, loopback",
        f"- Data: {plan.get('total_competitions', 0):,} competitions ({plan.get('open_competitions', 0):,} OPEN), "
        f"{plan.get('proposals', 0):,} proposals; heavy user {plan.get('heavy_user')} with "
        f"{plan.get('heavy_notifications', 0):,} notifications; select-winner competition with "
        f"{plan.get('select_winner_proposals', 0):,} proposals; search word `{plan.get('search_word')}` in "
        f"{plan.get('search_matches', 0):,} OPEN competitions ({plan.get('search_matches_title', 0):,} by title)",
    ]
    if results.get("seed_seconds"):
        lines.append(f"- Seed (`seed_demo --size {results['size']} --flush`): {results['seed_seconds']:.0f} s")
    lines += ["", *endpoint_table(plan), ""]
    small = results.get("small_baseline")
    if small:
        lines += ["Small-set baseline (same run, database `" + results["db_name"] + "_small`):", ""]
        lines += [*endpoint_table(small), ""]
    lines += ["Goals of issue 7:", "", "| goal | target | measured | result |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in goal_rows(results)]
    if results["size"] != "large":
        lines += ["", f"_This run used the {results['size']} set: the goals are defined on the large set._"]
    return "\n".join(lines) + "\n"


def render_and_write(results: dict, path: Path) -> str:
    text = render(results)
    existing = path.read_text() if path.exists() else HEADER + "\n" + MARKER + "\n"
    if MARKER not in existing:
        existing = existing.rstrip() + "\n\n" + MARKER + "\n"
    head, tail = existing.split(MARKER, 1)
    path.write_text(head + MARKER + "\n\n" + text + tail.lstrip("\n").rstrip() + ("\n" if tail.strip() else ""))
    return text


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    if "--write" in sys.argv:
        print(render_and_write(data, Path(__file__).resolve().parent / "RESULTS.md"))
    else:
        print(render(data))
