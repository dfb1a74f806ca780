"""Legacy Word files (``.doc``, ``.wps``): recognised by their OLE2 signature, converted to DOCX by LibreOffice.

``soffice --headless --convert-to docx`` runs in a private temporary directory with its own user profile
(``-env:UserInstallation``), so parallel conversions never share (and lock) a profile, under a timeout after
which its whole process group is killed. Where LibreOffice is not installed the error names the Debian
package to install. The binary is looked up as the ``soffice`` argument, else the environment variable
:data:`ENV_SOFFICE` (a name on ``PATH`` or a path), else ``soffice`` / ``libreoffice`` on ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from xxgk.core.errors import IngestError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Environment variable naming the LibreOffice binary (``soffice``) to use.
ENV_SOFFICE = "XXGK_SOFFICE"
DEFAULT_TIMEOUT = 120.0
#: Upper bound of a converted DOCX's size on disk.
MAX_OUTPUT_BYTES = 200 * 1024 * 1024

MISSING = "需要安装 LibreOffice：apt-get install libreoffice-writer-nogui（旧版Word/WPS文档（.doc/.wps）要先由 LibreOffice 转换为DOCX才能读取）"  # noqa: E501
CANNOT_RUN = "无法运行 LibreOffice（{binary}）：{what}"
TIMEOUT = "LibreOffice 转换超时（超过{seconds:g}秒），文档可能已损坏或过大"
FAILED = "LibreOffice 无法转换此文档（{what}），文档可能已损坏，或不是Word/WPS文字文档"
TOO_BIG = "LibreOffice 转换得到的DOCX超过{limit} MB，拒绝读取"
ENCRYPTED = "文档已加密（有打开密码），无法读取；请提供未加密的版本"
NOT_WORD = "这是旧版Office复合文档，但不是Word/WPS文字文档（可能是Excel或PowerPoint文件）"

_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_WORD_SUFFIXES = (".doc", ".dot", ".wps", ".wpt", ".docx", ".docm", ".dotx")
_FALLBACKS = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


def is_ole2(data: bytes) -> bool:
    return data.startswith(OLE2_MAGIC)


def ole2_kind(data: bytes, source: str) -> str | None:
    """``"word"`` (a Word 97–2003 / WPS text stream), ``"encrypted"`` (a password-protected Office file),
    ``"works"`` (another OLE2 file named ``.wps``) or ``None`` (not a text document)."""
    if not is_ole2(data):
        return None
    if _WORD_STREAM in data:
        return "word"
    if _ENCRYPTED_STREAM in data:
        return "encrypted"
    if source.lower().endswith((".wps", ".wpt")):
        return "works"
    return None


def sniff(data: bytes, source: str) -> bool:
    """An OLE2 file holding a Word text stream, or a Word-named one (encrypted or MS Works)."""
    kind = ole2_kind(data, source)
    if kind == "encrypted":
        return source.lower().endswith(_WORD_SUFFIXES)
    return kind is not None


def find_soffice(soffice: str | None = None) -> str | None:
    """The LibreOffice binary to run, or ``None`` when it is not installed."""
    wanted = soffice if soffice is not None else os.environ.get(ENV_SOFFICE) or None
    if wanted is not None:
        return shutil.which(wanted)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    for path in _FALLBACKS:
        if os.path.isfile(path) and os.access(path, os.X_OK):  # noqa: PTH113 - plain path strings
            return path
    return None


def convert_to_docx(data: bytes, source: str, *, soffice: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The DOCX LibreOffice makes of a legacy Word/WPS file, or :class:`IngestError`."""
    kind = ole2_kind(data, source)
    if kind == "encrypted":
        raise IngestError(ENCRYPTED, source=source)
    if kind is None:
        raise IngestError(NOT_WORD, source=source)
    binary = find_soffice(soffice)
    if binary is None:
        raise IngestError(MISSING, source=source)
    suffix = ".doc" if kind == "word" else ".wps"
    with tempfile.TemporaryDirectory(prefix="xxgk-soffice-") as tmp:
        work = Path(tmp)
        document = work / f"input{suffix}"
        document.write_bytes(data)
        outdir = work / "out"
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outdir),
            str(document),
        ]
        stderr = _run(command, work, binary, timeout, source)
        result = outdir / "input.docx"
        if not result.is_file():
            raise IngestError(FAILED.format(what=_last_line(stderr) or "没有生成DOCX"), source=source)
        if result.stat().st_size > MAX_OUTPUT_BYTES:
            raise IngestError(TOO_BIG.format(limit=MAX_OUTPUT_BYTES // (1024 * 1024)), source=source)
        return result.read_bytes()


def _run(command: list[str], work: Path, binary: str, timeout: float, source: str) -> str:
    """Run LibreOffice in its own process group; kill the whole group on timeout. Returns its stderr."""
    env = dict(os.environ)
    env["HOME"] = str(work)  # nothing is written to the caller's home
    env.pop("DISPLAY", None)
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise IngestError(CANNOT_RUN.format(binary=binary, what=exc.strerror or exc), source=source) from None
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise IngestError(TIMEOUT.format(seconds=timeout), source=source) from None
    except BaseException:
        _kill_group(process)
        process.communicate()
        raise
    return err.decode("utf-8", errors="replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip() and "javaldx" not in line]
    return lines[-1][:120] if lines else ""
