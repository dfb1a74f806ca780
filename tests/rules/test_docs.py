"""docs/rules.md is generated from the registry; this test fails when it is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xxgk.rules import all_rules, rules_markdown
from xxgk.rules.docs import default_path, is_stale, main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOCS.exists(), "docs/rules.md missing: run `python -m xxgk.rules.docs`"
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `.venv/bin/python -m xxgk.rules.docs`"
    )


def test_default_path_is_the_repository_docs() -> None:
    assert default_path() == DOCS


def test_every_rule_is_documented() -> None:
    text = rules_markdown()
    for r in all_rules():
        assert f"### {r.code} `{r.name}`" in text
        assert r.hint in text
        assert "**Why:**" in text.split(f"### {r.code} ", 1)[1].split("\n### ", 1)[0]


def test_markdown_is_deterministic() -> None:
    assert rules_markdown() == rules_markdown()


def test_script_writes_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    assert is_stale(target)
    assert main([str(target), "--check"]) == 1
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == rules_markdown()
    assert main([str(target), "--check"]) == 0
    assert main([str(tmp_path / "no" / "such" / "dir.md")]) == 1


def test_module_entry_point(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    done = subprocess.run(
        [sys.executable, "-m", "xxgk.rules.docs", str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning" not in done.stderr
    assert target.read_text(encoding="utf-8") == rules_markdown()
