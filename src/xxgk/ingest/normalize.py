"""Text normalisation shared by every reader and by the assembler.

Published reports mix full- and half-width forms (``（三）`` / ``(三)``, ``０`` / ``0``), pad cells with
NBSP and U+3000, split labels with spaces (``（三）不予 公开``) and misspell the template's 勾稽 as 钩稽. Labels
are matched after :func:`squash`, which folds all of that away; numbers are read after :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Characters that NFKC leaves alone but that mean the same as an ASCII one here.
_EXTRA_FOLD = str.maketrans(
    {
        "\u2212": "-",  # MINUS SIGN
        "\u2010": "-",  # HYPHEN
        "\u2011": "-",  # NON-BREAKING HYPHEN
        "\u200b": None,  # ZERO WIDTH SPACE
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,  # BOM / ZERO WIDTH NO-BREAK SPACE
        "\u00ad": None,  # SOFT HYPHEN
    }
)

_WS_RE = re.compile(r"\s+")
_CJK_SPACE_RE = re.compile(r"(?<=[^\x00-\xff]) (?=[^\x00-\xff])")
#: Punctuation that never changes a label's meaning (after NFKC): 、，。．：；！？ quotes, brackets, slashes.
_PUNCT_RE = re.compile(r"[、,.。:;!?\"'“”‘’()\[\]【】《》〈〉<>/\\|*#_·・~\-—–―…]+")
_PARENS_RE = re.compile(r"\([^()]*\)")
#: Numbering that starts a label level: （三） 三、 1. 1、 (1)
_MARK_RE = re.compile(
    r"\((?:[一二三四五六七八九十]{1,3}|\d{1,2})\)"
    r"|(?<![一二三四五六七八九十\d])[一二三四五六七八九十]{1,3}[、.]"
    r"|(?<![\d.])\d{1,2}[、.](?!\d)"
)
_LEADING_MARK_RE = re.compile(r"^(?:" + _MARK_RE.pattern + r")+")


#: Texts up to this length are memoised (table cells repeat: "0", "\xa00", the template's labels).
_CACHED_LEN = 80


def fold(text: str) -> str:
    """NFKC (full-width digits and brackets to ASCII, NBSP/U+3000 to space) plus a few extra folds."""
    if text.isascii():
        return text
    if len(text) <= _CACHED_LEN:
        return _fold_cached(text)
    return unicodedata.normalize("NFKC", text).translate(_EXTRA_FOLD)


@lru_cache(maxsize=8192)
def _fold_cached(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_EXTRA_FOLD)


def squash(text: str) -> str:
    """:func:`fold` and drop all whitespace; also 钩稽 -> 勾稽. The form labels are compared in."""
    if len(text) <= _CACHED_LEN:
        return _squash_cached(text)
    return _WS_RE.sub("", fold(text)).replace("钩稽", "勾稽")


@lru_cache(maxsize=8192)
def _squash_cached(text: str) -> str:
    return _WS_RE.sub("", fold(text)).replace("钩稽", "勾稽")


def words(text: str) -> tuple[str, ...]:
    """The squashed text of a cell and, if it has several whitespace-separated words, each word.

    Only short cells have words: they serve to recognise header rows, never sentences.
    """
    if len(text) <= _CACHED_LEN:
        return _words_cached(text)
    return ()


@lru_cache(maxsize=8192)
def _words_cached(text: str) -> tuple[str, ...]:
    return _words(text)


def _words(text: str) -> tuple[str, ...]:
    parts = fold(text).split()
    if not parts:
        return ()
    whole = squash(text)
    if len(parts) == 1:
        return (whole,)
    return (whole, *(squash(p) for p in parts))


def collapse(text: str) -> str:
    """Readable one-line text: whitespace runs become one space, none between two CJK characters."""
    if len(text) <= _CACHED_LEN:
        return _collapse_cached(text)
    return _collapse(text)


@lru_cache(maxsize=8192)
def _collapse_cached(text: str) -> str:
    return _collapse(text)


def _collapse(text: str) -> str:
    text = _WS_RE.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()
    if " " in text and not text.isascii():
        text = _CJK_SPACE_RE.sub("", text)
    return text


def strip_punct(text: str) -> str:
    """Remove punctuation from a squashed text."""
    return _PUNCT_RE.sub("", text)


def strip_annotations(text: str) -> str:
    """Remove parenthesised annotations from a squashed label (nested ones too).

    ``规章(设区的市、自治州人民政府应提供相关数据)`` -> ``规章``. A label that is *only* an annotation keeps
    its content, so nothing meaningful is lost.
    """
    out = text
    while "(" in out:
        new = _PARENS_RE.sub("", out)
        if new == out:
            break
        out = new
    if strip_punct(out):
        return out
    return text.replace("(", "").replace(")", "")


def segments(label: str) -> list[str]:
    """Split a squashed label into its levels at the template's numbering marks.

    ``三、本年度办理结果(三)不予公开1.属于国家秘密`` -> ``["三、本年度办理结果", "(三)不予公开", "1.属于国家秘密"]``.
    """
    starts = [m.start() for m in _MARK_RE.finditer(label)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    pieces = [label[a:b] for a, b in zip(starts, [*starts[1:], len(label)], strict=True)]
    return [p for p in pieces if p]


def core(segment: str) -> str:
    """The meaningful words of one label level: no numbering, no annotation, no punctuation."""
    text = _LEADING_MARK_RE.sub("", segment)
    return strip_punct(strip_annotations(text))
