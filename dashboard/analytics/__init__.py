"""Figures as plain functions over plain data (numpy and pandas): populations on given days, coverage status, counts
by week or month, the protection of public counts, alerts, where next, map data and small table operations.

Nothing here imports Dash, Flask, SQLAlchemy or the translation function: functions take tables and return tables,
codes and numbers; words are the renderer's (import-linter enforces it, see pyproject.toml).
"""
