"""查询码: random, well-formed, typed forgivingly, stored only as a digest."""

from __future__ import annotations

import hashlib

import pytest

from xxgk.web.portal.accesscode import ALPHABET, code_digest, code_format, code_generate, code_normalize


def test_generated_codes_are_grouped_unambiguous_and_distinct() -> None:
    codes = {code_generate() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET) and len(set(ALPHABET)) == 32  # 5 bits per character, 80 bits


def test_every_alphabet_character_occurs() -> None:
    seen = set("".join(code_generate() for _ in range(300)).replace("-", ""))
    assert seen == set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "abcd-efgh-jkmn-pqrs",
        "ABCDEFGHJKMNPQRS",
        " abcd efgh jkmn pqrs ",
        "ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ－ＰＱＲＳ",  # full-width, as a Chinese input method types it
    ],
)
def test_typing_variants_normalise_to_the_same_code(typed: str) -> None:
    assert code_normalize(typed) == "ABCDEFGHJKMNPQRS"
    assert code_digest(typed) == code_digest("ABCD-EFGH-JKMN-PQRS")


def test_lookalikes_map_like_crockford() -> None:
    assert code_normalize("O0I1-L000-0000-0000") == "0011100000000000"


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRST", "ABCD-EFGH-JKMN-PQRU", "查询码"])
def test_malformed_codes_are_refused(typed: str) -> None:
    assert code_normalize(typed) is None
    with pytest.raises(ValueError):
        code_digest(typed)


def test_digest_is_sha256_of_the_canonical_code() -> None:
    code = code_generate()
    canonical = code.replace("-", "")
    assert code_digest(code) == hashlib.sha256(canonical.encode()).hexdigest()
    assert canonical not in code_digest(code)
    assert code_format(canonical) == code
