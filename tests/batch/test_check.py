"""Checking one work item into a compact outcome."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from tests.batch.zips import make_zip
from tests.conftest import PUBLISHED, expected_for, published_reports
from xxgk.batch import check as batch_check
from xxgk.batch.check import CheckOptions, Outcome, check_item
from xxgk.batch.inputs import Item, Kind, expand
from xxgk.core.findings import Severity
from xxgk.ingest import parse_path
from xxgk.rules import check

CLEAN = PUBLISHED / "pingtan-hzs-2023.html"  # PROVENANCE: defects none
BROKEN = PUBLISHED / "pingtan-zrz-2020.html"  # PROVENANCE: B2 defects


@pytest.mark.parametrize("path", published_reports(), ids=lambda p: p.name)
def test_outcome_matches_parsing_and_checking_directly(path: Path) -> None:
    outcome = check_item(Item(str(path), Kind.FILE, str(path)), CheckOptions())
    result = parse_path(path)
    expected = expected_for(path)
    assert outcome.error is None
    assert (outcome.body, outcome.year, outcome.template) == (expected["body"], expected["year"], expected["template"])
    assert list(outcome.findings) == [*result.findings, *check(result.report)]
    assert outcome.status == ("有错误" if outcome.has_errors else "通过")


def test_outcome_is_small_next_to_the_report() -> None:
    outcome = check_item(Item(str(BROKEN), Kind.FILE, str(BROKEN)), CheckOptions())
    report = parse_path(BROKEN).report
    assert len(pickle.dumps(outcome)) * 5 < len(pickle.dumps(report))


def test_zip_member_is_checked_like_the_file(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"平潭/年报.html": BROKEN.read_bytes()}, gbk_names=True)
    (item,) = expand([str(archive)]).items
    outcome = check_item(item, CheckOptions())
    direct = check_item(Item(str(BROKEN), Kind.FILE, str(BROKEN)), CheckOptions())
    assert outcome.source.endswith("!/平潭/年报.html")
    assert outcome.findings == direct.findings


def test_select_and_ignore() -> None:
    item = Item(str(BROKEN), Kind.FILE, str(BROKEN))
    every = check_item(item, CheckOptions())
    code = next(f.code for f in every.findings if f.severity is Severity.ERROR)
    only = check_item(item, CheckOptions(select=(code,)))
    assert {f.code for f in only.findings} == {code}
    without = check_item(item, CheckOptions(ignore=(code,)))
    assert code not in {f.code for f in without.findings}
    parser_only = CheckOptions(select=("P",))
    assert not parser_only.run_rules
    assert all(f.code.startswith("P") for f in check_item(item, parser_only).findings)


def test_unreadable_items_and_internal_errors_never_raise(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = check_item(Item("x", Kind.FILE, str(tmp_path / "x.txt")), CheckOptions())
    assert missing.status == "无法读取" and missing.error is not None and "不存在" in missing.error
    known = check_item(Item("y", Kind.ERROR, "y", error="坏了"), CheckOptions())
    assert known.error == "坏了"

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(batch_check, "load_item", boom)
    outcome = check_item(Item(str(CLEAN), Kind.FILE, str(CLEAN)), CheckOptions())
    assert outcome.error is not None and "parser bug" in outcome.error


def test_outcome_json_document() -> None:
    outcome = check_item(Item(str(CLEAN), Kind.FILE, str(CLEAN)), CheckOptions())
    doc = outcome.to_dict()
    assert doc["source"] == str(CLEAN)
    assert doc["counts"] == {s.value: n for s, n in outcome.counts.items()}
    assert Outcome(source="a", error="e").to_dict() == {"source": "a", "error": "e"}
