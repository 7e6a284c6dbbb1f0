"""Savings estimates: the cost model, its results, charts, dashboards and the report."""
