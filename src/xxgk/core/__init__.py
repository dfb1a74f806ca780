"""The pure core of xxgk: report model, template versions, cell codes, findings, errors.

Nothing in this package imports Django or any layer above it (rules, ingest, render, cli, web);
import-linter enforces that in ``make check``.
"""
