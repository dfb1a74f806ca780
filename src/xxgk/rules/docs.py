"""Write ``docs/rules.md`` from the rule registry.

Usage::

    python -m xxgk.rules.docs            # write docs/rules.md of the source tree
    python -m xxgk.rules.docs PATH       # write PATH
    python -m xxgk.rules.docs --check    # exit 1 when the file is stale (for CI)
"""

from __future__ import annotations

import sys
from pathlib import Path

from xxgk.rules import rules_markdown


def default_path() -> Path:
    """``docs/rules.md`` of the source tree this package lives in (``src/xxgk/rules`` → repository root)."""
    return Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def write(path: Path | None = None) -> Path:
    target = path or default_path()
    target.write_text(rules_markdown(), encoding="utf-8")
    return target


def is_stale(path: Path | None = None) -> bool:
    target = path or default_path()
    try:
        return target.read_text(encoding="utf-8") != rules_markdown()
    except OSError:
        return True


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check_only = "--check" in args
    paths = [a for a in args if a != "--check"]
    target = Path(paths[0]) if paths else default_path()
    if check_only:
        if is_stale(target):
            print(f"{target} is stale: run `python -m xxgk.rules.docs`", file=sys.stderr)
            return 1
        return 0
    try:
        write(target)
    except OSError as exc:
        print(f"cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
