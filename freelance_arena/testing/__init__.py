"""Test helpers shared by the apps' test suites (not collected as tests).

- `bulk`: builders that write many rows in one INSERT each (the query budgets need >100 rows per
  list; the factories write one row per INSERT);
- `budgets`: the page checks of the query-budget tests (`<app>/tests/test_query_budgets.py`).
"""
