"""Expanding command-line arguments into work items, in a deterministic order."""

from __future__ import annotations

from pathlib import Path

from tests.batch.zips import make_zip
from tests.conftest import PUBLISHED
from xxgk.batch.inputs import Kind, expand, member_name

SEED = PUBLISHED / "cq-dadukou-baqiao-2020.txt"


def test_directory_is_searched_recursively_in_path_order(tmp_path: Path) -> None:
    for rel in ("b/2.html", "a.txt", "b/a/1.pdf", "c.docx", "notes.xlsx", ".git/x.txt", "b/.hidden.txt", "~$c.docx"):
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"x")
    make_zip(tmp_path / "b" / "z.zip", {"y.txt": b"1", "x.html": b"2", "pic.png": b"3"})
    out = expand([str(tmp_path)])
    names = [Path(item.name).relative_to(tmp_path).as_posix() for item in out.items]
    assert names == ["a.txt", "b/2.html", "b/a/1.pdf", "b/z.zip!/x.html", "b/z.zip!/y.txt", "c.docx"]
    assert [item.kind for item in out.items] == [Kind.FILE] * 3 + [Kind.MEMBER] * 2 + [Kind.FILE]
    assert out.ignored == 3  # notes.xlsx, ~$c.docx, pic.png


def test_arguments_keep_their_order_and_missing_files_are_items(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.html")
    out = expand([missing, "https://example.org/a.html", str(SEED), "ftp://example.org/a.pdf"])
    assert [item.kind for item in out.items] == [Kind.FILE, Kind.URL, Kind.FILE, Kind.ERROR]
    assert out.items[3].error is not None and "http" in out.items[3].error


def test_problems_while_expanding_become_items(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    only_images = make_zip(tmp_path / "images.zip", {"a.png": b"x"})
    bomb = make_zip(tmp_path / "bomb.zip", {"big.txt": b"\0" * (4 * 2**20), "ok.txt": b"x"})
    out = expand([str(empty), str(bad), str(only_images), str(bomb)])
    kinds = [(item.name, item.kind) for item in out.items]
    assert kinds == [
        (str(empty), Kind.ERROR),
        (str(bad), Kind.ERROR),
        (str(only_images), Kind.ERROR),
        (member_name(str(bomb), "big.txt"), Kind.ERROR),
        (member_name(str(bomb), "ok.txt"), Kind.MEMBER),
    ]
    assert all(item.error for item in out.items if item.kind is Kind.ERROR)


def test_an_empty_argument_is_not_the_current_directory() -> None:
    (item,) = expand([""]).items
    assert item.kind is Kind.ERROR
