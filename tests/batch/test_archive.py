"""ZIP archives: member names as their authors wrote them, limits against zip bombs, bounded reads."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.batch.zips import corrupt_member, make_zip
from tests.conftest import PUBLISHED
from xxgk.batch.archive import (
    ArchiveError,
    ZipLimits,
    decode_member_name,
    is_report_name,
    list_members,
    member_problem,
    read_member,
)

SEED = PUBLISHED / "cq-dadukou-baqiao-2020.txt"


def test_gbk_names_without_the_utf8_flag_are_decoded(tmp_path: Path) -> None:
    names = ["平潭/公安局2019年报.html", "大渡口区八桥镇.txt"]
    path = make_zip(tmp_path / "win.zip", dict.fromkeys(names, b"x"), gbk_names=True)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        assert not any(i.flag_bits & 0x800 for i in infos)  # really stored the Windows way
        assert infos[0].filename != names[0]  # zipfile alone shows mojibake
        assert [decode_member_name(i) for i in infos] == names


def test_utf8_names_and_the_unicode_path_field(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "u.zip", {"年报.html": b"x"})
    with zipfile.ZipFile(path) as archive:
        assert decode_member_name(archive.infolist()[0]) == "年报.html"
    # The Unicode Path field (0x7075) outranks any guess from the stored bytes, when its CRC matches them.
    path = make_zip(tmp_path / "x.zip", {"报告.txt": b"x"}, gbk_names=True, unicode_extra={"报告.txt": "年度报告.txt"})
    with zipfile.ZipFile(path) as archive:
        assert decode_member_name(archive.infolist()[0]) == "年度报告.txt"


def test_listing_keeps_report_like_members_sorted_and_counts_the_rest(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "a.zip",
        {
            "b/2.html": b"x",
            "a.txt": b"x",
            "photo.jpg": b"x",
            "__MACOSX/._a.txt": b"x",
            ".hidden.txt": b"x",
            "~$lock.docx": b"x",
            "inner.zip": b"PK",
            "c/report.PDF": b"x",
        },
    )
    listing = list_members(str(path))
    assert [m.name for m in listing.members] == ["a.txt", "b/2.html", "c/report.PDF", "inner.zip"]
    assert [m.error is None for m in listing.members] == [True, True, True, False]
    assert listing.ignored == 2  # photo.jpg, ~$lock.docx (hidden and __MACOSX entries are not counted)


def test_a_zip_bomb_member_is_refused_without_decompressing(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"bomb.txt": b"\0" * (8 * 2**20), "ok.txt": SEED.read_bytes()})
    listing = list_members(str(path))
    bomb, ok = listing.members
    assert bomb.error is not None and "压缩炸弹" in bomb.error
    assert ok.error is None
    with pytest.raises(ArchiveError, match="压缩炸弹"):
        read_member(str(path), bomb.index)
    assert read_member(str(path), ok.index) == SEED.read_bytes()


def test_archive_limits(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "many.zip", {f"{i}.txt": b"abc" for i in range(5)})
    with pytest.raises(ArchiveError, match="文件过多"):
        list_members(str(path), ZipLimits(max_members=4))
    with pytest.raises(ArchiveError, match="压缩炸弹"):
        list_members(str(path), ZipLimits(max_total_size=10))
    listing = list_members(str(path), ZipLimits(max_member_size=2))
    assert all(m.error is not None and "上限" in m.error for m in listing.members)


def test_encrypted_member_is_named_as_such() -> None:
    info = zipfile.ZipInfo("a.txt")
    info.flag_bits |= 0x1
    assert "加密" in (member_problem(info, ZipLimits()) or "")


def test_corrupt_member_and_corrupt_archive(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "c.zip", {"a.txt": SEED.read_bytes() * 4, "b.txt": SEED.read_bytes()})
    corrupt_member(path, "a.txt")
    listing = list_members(str(path))
    with pytest.raises(ArchiveError, match="损坏"):
        read_member(str(path), listing.members[0].index)
    assert read_member(str(path), listing.members[1].index) == SEED.read_bytes()
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ArchiveError, match="ZIP"):
        list_members(str(junk))


def test_report_names() -> None:
    assert is_report_name("a/b/年报.DOCX")
    assert not is_report_name("a/.x.txt")
    assert not is_report_name("Thumbs.db")
    assert not is_report_name("table.xlsx")
