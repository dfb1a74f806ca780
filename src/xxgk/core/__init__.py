"""The pure core of xxgk: report model, template versions, cell codes, findings, errors, and the
application workflow: working-day calendar, deadlines, transition table, outcomes, receipt dates, fees.

Nothing in this package imports Django or any layer above it (rules, ingest, render, cli, web);
import-linter enforces that in ``make check``.
"""
