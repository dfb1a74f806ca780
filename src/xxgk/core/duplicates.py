"""Possible duplicate applications (重复申请, 条例 Art 36 (六)): the same applicant asking again for substantially
the same information.

The check only *flags* a possible duplicate; deciding that an application is a 重复申请 (and answering it with
:attr:`xxgk.core.outcomes.Outcome.NOT_PROCESSED_DUPLICATE`) is the handler's decision.

* **Text normalisation** (:func:`normalise_text`): Unicode NFKC (full-width letters, digits and punctuation become
  their half-width forms), lower case, every punctuation mark, symbol and space removed, Chinese numerals of years,
  months and days written as digits (``二〇一九年`` → ``2019年``, ``十二月`` → ``12月``, ``三月五号`` → ``3月5日``)
  and leading zeros dropped before 月/日 (``2019年03月`` → ``2019年3月``).
* **Same applicant** (:func:`same_applicant`): the same normalised name *and* the same identity document, or the
  same contact (phone number compared by its digits, e-mail address case-insensitively). An identity document is
  compared by its number when it contains one (``身份证 500104…`` and ``居民身份证：500104…`` match).
* **Similar content** (:func:`similarity`): the Dice coefficient of the character bigrams of the normalised texts
  (1.0 for identical texts, symmetric); when one normalised text contains the other (and the shorter has at least
  :data:`CONTAINMENT_MIN_CHARS` characters) the score is at least :data:`CONTAINMENT_SCORE`.

:func:`find_possible_duplicates` returns a :class:`Match` for every earlier application of the same applicant whose
content scores at least the threshold (:data:`DEFAULT_THRESHOLD`), best first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

#: Content similarity from which an application of the same applicant is flagged.
DEFAULT_THRESHOLD = 0.6
#: The least score of two texts one of which contains the other.
CONTAINMENT_SCORE = 0.85
#: Containment counts only when the shorter normalised text has at least this many characters.
CONTAINMENT_MIN_CHARS = 6

REASON_SAME_NAME_AND_ID = "申请人姓名或名称及身份证明相同"
REASON_SAME_CONTACT = "联系方式相同"
REASON_SAME_CONTENT = "申请内容相同"
REASON_SIMILAR_CONTENT = "申请内容相似（相似度 {score:.2f}）"
REASON_CONTAINED = "一项申请的内容包含另一项"

_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR_RE = re.compile(r"([〇零○一二三四五六七八九]{2,4})年")
_MONTH_RE = re.compile(r"([一二三四五六七八九十]{1,3})月")
_DAY_RE = re.compile(r"(?<=月)([一二三四五六七八九十]{1,3}|\d{1,2})(日|号)")
_LEADING_ZERO_RE = re.compile(r"(?<!\d)0+(\d)(?=月|日)")
_ID_NUMBER_RE = re.compile(r"[0-9A-Z]{6,}")
_EMAIL_RE = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def _chinese_small_number(text: str) -> int | None:
    """``一`` … ``三十一`` (the numbers of months and days); ``None`` for anything else."""
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 and text in _DIGITS else None
    head, _, tail = text.partition("十")
    if len(head) > 1 or len(tail) > 1 or "十" in tail:
        return None
    tens = 1 if head == "" else _DIGITS.get(head)
    units = 0 if tail == "" else _DIGITS.get(tail)
    if tens is None or units is None:
        return None
    return tens * 10 + units


def _year_digits(match: re.Match[str]) -> str:
    return "".join(str(_DIGITS[c]) for c in match.group(1)) + "年"


def _month_digits(match: re.Match[str]) -> str:
    value = _chinese_small_number(match.group(1))
    return match.group(0) if value is None or not 1 <= value <= 12 else f"{value}月"


def _day_digits(match: re.Match[str]) -> str:
    text = match.group(1)
    value = int(text) if text.isdigit() else _chinese_small_number(text)
    return match.group(0) if value is None or not 1 <= value <= 31 else f"{value}日"


def _is_separator(char: str) -> bool:
    """Punctuation, symbols, spaces, separators and control characters."""
    return unicodedata.category(char)[0] in "PSZC"


def normalise_text(text: str) -> str:
    """The comparable form of ``text`` (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(c for c in folded if not _is_separator(c))
    kept = _YEAR_RE.sub(_year_digits, kept)
    kept = _LEADING_ZERO_RE.sub(r"\1", kept)
    kept = _MONTH_RE.sub(_month_digits, kept)
    return _DAY_RE.sub(_day_digits, kept)


def normalise_name(name: str) -> str:
    """An applicant's name or organisation name, compared after :func:`normalise_text`."""
    return normalise_text(name)


def normalise_id_document(id_document: str) -> str:
    """The identity document: its number (the longest run of at least 6 digits/capital letters) when it has one,
    else the whole normalised text."""
    folded = "".join(c for c in unicodedata.normalize("NFKC", id_document).upper() if not _is_separator(c))
    numbers = [m.group(0) for m in _ID_NUMBER_RE.finditer(folded)]
    if numbers:
        return max(numbers, key=len)
    return folded.lower()


def normalise_contact(contact: str) -> str:
    """A contact: an e-mail address in lower case, a phone number by its digits (without the +86 prefix), else
    the normalised text."""
    folded = unicodedata.normalize("NFKC", contact).strip().lower()
    email = _EMAIL_RE.search(folded)
    if email is not None:
        return email.group(0)
    digits = "".join(c for c in folded if c.isdigit())
    if len(digits) >= 7:
        if len(digits) == 13 and digits.startswith("86"):
            return digits[2:]
        if len(digits) == 15 and digits.startswith("0086"):
            return digits[4:]
        return digits
    return normalise_text(folded)


@dataclass(frozen=True, slots=True)
class ApplicantKeys:
    """The normalised identity of an applicant: what :func:`same_applicant` compares (and what a database may
    store to narrow candidates before comparing)."""

    name: str
    id_document: str
    contact: str

    @classmethod
    def of(cls, *, name: str, id_document: str, contact: str) -> ApplicantKeys:
        return cls(normalise_name(name), normalise_id_document(id_document), normalise_contact(contact))


@dataclass(frozen=True, slots=True)
class Application:
    """What the duplicate check compares: the applicant's keys and the content; ``ref`` identifies the
    application for the caller (a case id, a number…)."""

    applicant: ApplicantKeys
    content: str
    ref: Hashable = None

    @classmethod
    def of(cls, *, name: str, id_document: str, contact: str, content: str, ref: Hashable = None) -> Application:
        return cls(ApplicantKeys.of(name=name, id_document=id_document, contact=contact), content, ref)


@dataclass(frozen=True, slots=True)
class Match:
    """An earlier application (``ref``) that may be duplicated: content ``score`` in [0, 1] and the reasons."""

    ref: Hashable
    score: float
    reasons: tuple[str, ...]


def same_applicant(a: ApplicantKeys, b: ApplicantKeys) -> tuple[str, ...]:
    """Why ``a`` and ``b`` are the same applicant (empty when they are not)."""
    reasons: list[str] = []
    if a.name and a.id_document and (a.name, a.id_document) == (b.name, b.id_document):
        reasons.append(REASON_SAME_NAME_AND_ID)
    if a.contact and a.contact == b.contact:
        reasons.append(REASON_SAME_CONTACT)
    return tuple(reasons)


def _bigrams(text: str) -> Counter[str]:
    if len(text) < 2:
        return Counter([text]) if text else Counter()
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def dice(a: str, b: str) -> float:
    """The Dice coefficient of the character bigrams (as multisets) of two already normalised texts."""
    if a == b:
        return 1.0
    ga, gb = _bigrams(a), _bigrams(b)
    total = sum(ga.values()) + sum(gb.values())
    if total == 0:
        return 1.0
    return 2 * sum((ga & gb).values()) / total


def _contained(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= CONTAINMENT_MIN_CHARS and short in long


def similarity(a: str, b: str) -> float:
    """How alike two contents are, in [0, 1]: 1.0 for the same normalised text, symmetric."""
    na, nb = normalise_text(a), normalise_text(b)
    score = dice(na, nb)
    if score < CONTAINMENT_SCORE and _contained(na, nb):
        score = CONTAINMENT_SCORE
    return score


def find_possible_duplicates(
    new: Application, earlier: Iterable[Application], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Match]:
    """The earlier applications of the same applicant whose content scores at least ``threshold``, best first
    (ties keep the order of ``earlier``)."""
    content = normalise_text(new.content)
    matches: list[Match] = []
    for other in earlier:
        who = same_applicant(new.applicant, other.applicant)
        if not who:
            continue
        other_content = normalise_text(other.content)
        score = dice(content, other_content)
        contained = _contained(content, other_content)
        if score < CONTAINMENT_SCORE and contained:
            score = CONTAINMENT_SCORE
        if score < threshold:
            continue
        if content == other_content:
            what = REASON_SAME_CONTENT
        elif contained:
            what = REASON_CONTAINED
        else:
            what = REASON_SIMILAR_CONTENT.format(score=score)
        matches.append(Match(other.ref, round(score, 4), (*who, what)))
    return sorted(matches, key=lambda m: -m.score)
