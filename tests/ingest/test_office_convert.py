"""Legacy .doc/.wps through LibreOffice: the missing-soffice path, the command line, timeouts, failures."""

from __future__ import annotations

import json
import stat
import threading
import time
from pathlib import Path

import pytest

from tests.ingest.docx_helpers import have_soffice, read_fixture
from tests.ingest.helpers import PUBLISHED, spec_differences
from xxgk.core.errors import IngestError
from xxgk.ingest import docx, office_convert
from xxgk.ingest.assemble import assemble

DOC = "pingtan-hzs-2023.lo.doc"
needs_soffice = pytest.mark.skipif(not have_soffice(), reason="LibreOffice (soffice) is not installed")
APT_HINT = "apt-get install libreoffice-writer-nogui"


def _script(tmp_path: Path, body: str) -> str:
    """A stand-in ``soffice``: a shell script that records its arguments and then runs ``body``."""
    path = tmp_path / "fake-soffice"
    path.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args"\n{body}\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_missing_soffice_names_the_package(tmp_path: Path) -> None:
    data, source = read_fixture(DOC)
    with pytest.raises(IngestError) as caught:
        docx.read(data, source, soffice=str(tmp_path / "no-such-soffice"))
    assert APT_HINT in caught.value.reason
    assert "LibreOffice" in caught.value.reason


def test_missing_soffice_via_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(office_convert.ENV_SOFFICE, str(tmp_path / "nowhere" / "soffice"))
    assert office_convert.find_soffice() is None
    data, source = read_fixture(DOC)
    with pytest.raises(IngestError) as caught:
        docx.parse(data, source)
    assert APT_HINT in caught.value.reason


def test_the_environment_names_the_binary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = _script(tmp_path, "exit 0")
    monkeypatch.setenv(office_convert.ENV_SOFFICE, fake)
    assert office_convert.find_soffice() == fake


def test_conversion_command_uses_a_private_profile(tmp_path: Path) -> None:
    """The stand-in copies a real DOCX where LibreOffice would write its output."""
    docx_data, _ = read_fixture("pingtan-hzs-2023.lo.docx")
    made = tmp_path / "made.docx"
    made.write_bytes(docx_data)
    fake = _script(
        tmp_path,
        'out=""; prev=""; for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
        f'mkdir -p "$out" && cp "{made}" "$out/input.docx"',
    )
    data, source = read_fixture(DOC)
    result = assemble(docx.read(data, source, soffice=fake))
    expected = PUBLISHED / "pingtan-hzs-2023.expected.json"
    assert spec_differences(result.report, json.loads(expected.read_text(encoding="utf-8"))) == []
    args = (tmp_path / "args").read_text(encoding="utf-8").splitlines()
    profile = next(a for a in args if a.startswith("-env:UserInstallation=file://"))
    assert "xxgk-soffice-" in profile
    assert "--headless" in args
    assert args[args.index("--convert-to") + 1].startswith("docx")
    assert args[-1].endswith("input.doc")
    assert result.format == "doc"
    # The temporary directory (profile included) is gone afterwards.
    assert not Path(profile.split("file://", 1)[1]).exists()


def test_wps_named_file_keeps_a_wps_name_for_libreoffice(tmp_path: Path) -> None:
    """An OLE2 file without a Word stream named .wps (MS Works) goes to LibreOffice as .wps."""
    fake = _script(tmp_path, "exit 0")
    data = office_convert.OLE2_MAGIC + b"\0" * 512
    assert docx.sniff(data, "report.wps")
    with pytest.raises(IngestError):
        docx.read(data, "report.wps", soffice=fake)
    args = (tmp_path / "args").read_text(encoding="utf-8").splitlines()
    assert args[-1].endswith("input.wps")


def test_no_output_is_a_clear_error(tmp_path: Path) -> None:
    fake = _script(tmp_path, 'echo "Error: source file could not be loaded" >&2; exit 0')
    data, source = read_fixture(DOC)
    with pytest.raises(IngestError) as caught:
        docx.read(data, source, soffice=fake)
    assert "LibreOffice 无法转换" in caught.value.reason
    assert "could not be loaded" in caught.value.reason


def test_timeout_kills_the_conversion(tmp_path: Path) -> None:
    fake = _script(tmp_path, f'sleep 30 & echo $! > "{tmp_path}/child"; wait')
    data, source = read_fixture(DOC)
    start = time.monotonic()
    with pytest.raises(IngestError) as caught:
        docx.read(data, source, soffice=fake, timeout=1.0)
    assert time.monotonic() - start < 15
    assert "超时" in caught.value.reason
    child = int((tmp_path / "child").read_text().strip())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the whole process group is killed, grandchildren included"


def _alive(pid: int) -> bool:
    try:
        with Path(f"/proc/{pid}/stat").open() as handle:
            return handle.read().split(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_file_that_is_not_executable_is_no_soffice(tmp_path: Path) -> None:
    path = tmp_path / "not-executable-soffice"
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o644)
    data, source = read_fixture(DOC)
    with pytest.raises(IngestError) as caught:
        office_convert.convert_to_docx(data, source, soffice=str(path))
    assert APT_HINT in caught.value.reason


def test_a_binary_that_fails_to_start(tmp_path: Path) -> None:
    path = tmp_path / "bad-interpreter-soffice"
    path.write_text("#!/no/such/interpreter\n", encoding="utf-8")
    path.chmod(0o755)
    data, source = read_fixture(DOC)
    with pytest.raises(IngestError) as caught:
        office_convert.convert_to_docx(data, source, soffice=str(path))
    assert "无法运行 LibreOffice" in caught.value.reason


@needs_soffice
def test_parallel_real_conversions_do_not_collide() -> None:
    data, source = read_fixture(DOC)
    results: list[object] = []

    def work() -> None:
        try:
            results.append(docx.read(data, source))
        except IngestError as exc:  # pragma: no cover - reported by the assertion below
            results.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2
    assert not any(isinstance(r, IngestError) for r in results), results
