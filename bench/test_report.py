"""The goal arithmetic of bench/report.py on synthetic runs (no database, no server)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report


def wrk(rps: float, p50: float, **extra) -> dict:
    return {"rps": rps, "p50_ms": p50, "p99_ms": p50 * 3, "http_errors": 0, "socket_errors": 0, **extra}


def results(**overrides) -> dict:
    endpoints = {
        "health": {"key": "health", "label": "health", "wrk": wrk(1000, 5), "end": {"wrk": wrk(1000, 5)}, "queries": 1},
        "list": {"key": "list", "label": "list", "wrk": wrk(600, 8), "queries": 2},
        "deep": {"key": "deep", "label": "deep", "wrk": wrk(500, 15), "queries": 2},
        "search": {"key": "search", "label": "search", "wrk": wrk(300, 30), "queries": 2},
        "notifications": {"key": "notifications", "label": "notif", "wrk": wrk(390, 10), "queries": 3},
        "post_proposal": {
            "key": "post_proposal",
            "label": "post",
            "wrk": wrk(250, 20, created=2490, other=10, pool=40000, sent=2500, other_statuses={"400": 10}),
            "queries": 9,
        },
    }
    for key, value in overrides.items():
        endpoints[key] = value
    small = {"endpoints": [{"key": "list", "label": "list", "wrk": wrk(700, 6)}]}
    inprocess = {
        "select_winner": {
            "available": True,
            "small": {"seconds": 0.01, "queries": 8, "proposals": 5, "closed": True},
            "large": {"seconds": 0.4, "queries": 8, "proposals": 5000, "closed": True},
        },
        "cron": {
            "close_expired_competitions": {
                "available": True,
                "runs": {"1000": {"seconds": 0.3, "queries": 12}, "10000": {"seconds": 2.5, "queries": 30}},
            },
            "remind_deadlines": {
                "available": True,
                "runs": {"1000": {"seconds": 0.4, "queries": 1001}, "10000": {"seconds": 6.0, "queries": 10001}},
            },
        },
    }
    return {
        "started": "2026-01-01T00:00:00+00:00",
        "size": "large",
        "db_name": "bench",
        "settings": {},
        "machine": {},
        "plan": {"endpoints": list(endpoints.values())},
        "small_baseline": small,
        "inprocess": inprocess,
    }


def verdicts(data: dict) -> dict[str, str]:
    return {goal: result for goal, _target, _measured, result in report.goal_rows(data)}


def test_each_goal_compares_with_the_ceiling_of_the_same_run():
    v = verdicts(results())
    assert v["public list, page 1"] == "met"  # 600 / 1000 >= 50 %
    assert v["deep page p50 (offset ≥ 50,000)"] == "met"  # 15 / 8 <= 2
    assert v["search p50"] == "not met"  # 30 / 8 > 3
    assert v["notifications of a user with 1,000"] == "not met"  # 390 / 1000 < 40 %
    assert v["POST /api/proposals/"] == "met"  # 25 %, 0.4 % errors
    assert v["public list p50, large vs small set"] == "met"  # 8 / 6 <= 1.5
    assert v["select winner"] == "met"
    assert v["close_expired_competitions"] == "met"
    assert v["remind_deadlines"] == "not met"  # per-row queries


def test_post_with_too_many_errors_is_not_met():
    post = {
        "key": "post_proposal",
        "label": "post",
        "wrk": wrk(900, 5, created=100, other=900, pool=40000, sent=1000, other_statuses={"400": 900}),
        "queries": 9,
    }
    assert verdicts(results(post_proposal=post))["POST /api/proposals/"] == "not met"


def test_missing_endpoints_are_reported_not_crashed_on():
    missing = {"key": "list", "label": "list", "missing": True, "status": 404}
    data = results(list=missing)
    v = verdicts(data)
    assert v["public list, page 1"].startswith("not met (")
    assert v["deep page p50 (offset ≥ 50,000)"].startswith("not met (")
    assert "| list | 404 | missing |" in report.render(data)


def test_select_winner_whose_query_count_grows_is_not_met():
    data = results()
    data["inprocess"]["select_winner"]["large"]["queries"] = 5008
    assert verdicts(data)["select winner"] == "not met"


def test_newest_run_is_written_first(tmp_path):
    path = tmp_path / "RESULTS.md"
    first, second = results(), results()
    second["started"] = "2026-02-02T00:00:00+00:00"
    report.render_and_write(first, path)
    report.render_and_write(second, path)
    text = path.read_text()
    assert text.startswith("# Benchmark results")
    assert text.index("2026-02-02") < text.index("2026-01-01")


def test_a_paired_ceiling_wins_over_the_run_mean():
    paired = {"key": "list", "label": "list", "wrk": wrk(600, 8), "queries": 2, "ceiling_wrk": wrk(1300, 5)}
    assert verdicts(results(list=paired))["public list, page 1"] == "not met"  # 600 / 1300 < 50 %
    paired["ceiling_wrk"] = wrk(1100, 5)
    assert verdicts(results(list=paired))["public list, page 1"] == "met"  # 600 / 1100 >= 50 %


def test_with_cache_misses_the_database_goals_compare_misses_and_page_one_compares_hits():
    data = results(
        list={"key": "list", "label": "list", "wrk": wrk(900, 4)},
        list_miss={"key": "list_miss", "label": "list miss", "wrk": wrk(100, 40)},
        deep_miss={"key": "deep_miss", "label": "deep miss", "wrk": wrk(60, 100)},
        search_miss={"key": "search_miss", "label": "search miss", "wrk": wrk(80, 60)},
    )
    data["small_baseline"]["endpoints"].append({"key": "list_miss", "label": "list miss", "wrk": wrk(150, 20)})
    got = verdicts(data)
    assert got["public list, page 1"] == "met"  # 900 of 1000
    assert got["public list, page 1, cache miss"] == "not met"  # 100 of 1000
    assert got["deep page p50 (offset ≥ 50,000), cache misses"] == "not met"  # 100 ms vs 40 ms: 2.5x
    assert got["search p50, cache misses"] == "met"  # 60 vs 40 ms: 1.5x
    assert got["public list p50, large vs small set, cache misses"] == "not met"  # 40 vs 20 ms: 2x
