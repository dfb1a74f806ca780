# xxgk — every target installs what it needs first (scripts/setup.sh).
.PHONY: setup run test check lint bench bench-counting docs clean

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/check.sh

check: lint test

bench:
	bash scripts/setup.sh
	.venv/bin/python -m benchmarks
	.venv/bin/python -m benchmarks.accuracy
	.venv/bin/python -m benchmarks.batch

# Counting a year's report over 1,000,000 applications (loading takes minutes), on SQLite and PostgreSQL.
bench-counting:
	bash scripts/setup.sh
	.venv/bin/python -m benchmarks.counting --db sqlite --n 1000000
	.venv/bin/python -m benchmarks.counting --db postgres --n 1000000

docs:
	bash scripts/setup.sh
	.venv/bin/python -m xxgk.rules.docs

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .hypothesis
