"""Possible duplicate applications: normalisation, same applicant, content similarity, the matcher."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.core.duplicates import (
    CONTAINMENT_SCORE,
    DEFAULT_THRESHOLD,
    REASON_CONTAINED,
    REASON_SAME_CONTACT,
    REASON_SAME_CONTENT,
    REASON_SAME_NAME_AND_ID,
    ApplicantKeys,
    Application,
    dice,
    find_possible_duplicates,
    normalise_contact,
    normalise_id_document,
    normalise_text,
    same_applicant,
    similarity,
)

CONTENT = "2019年八桥镇老旧小区改造项目的批复文件"

# -- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("二〇一九年三月五号的批复", "2019年3月5日的批复"),
        ("2019年03月05日的批复", "2019年3月5日的批复"),
        ("２０１９年３月５日，的《批复》", "2019年3月5日的批复"),
        ("十二月三十一日", "12月31日"),
        ("ＡＢＣ 公司", "abc公司"),
        ("关于“老旧小区”改造（一期）的  批复。", "关于老旧小区改造一期的批复"),
    ],
)
def test_normalise_text_folds_width_punctuation_and_dates(a: str, b: str) -> None:
    assert normalise_text(a) == normalise_text(b)


@pytest.mark.parametrize("text", ["文号", "统一号码", "二十一日", "十三月", "第十五条"])
def test_normalise_text_leaves_non_dates_alone(text: str) -> None:
    assert normalise_text(text) == text


def test_identity_documents_compare_by_their_number() -> None:
    assert normalise_id_document("身份证 500104199001011234") == "500104199001011234"
    assert normalise_id_document("居民身份证：５００１０４１９９００１０１１２３Ｘ") == "50010419900101123X"
    assert normalise_id_document("统一社会信用代码 91500104MA5U000000") == "91500104MA5U000000"
    assert normalise_id_document("居民身份证") == "居民身份证"


def test_contacts_compare_by_digits_or_address() -> None:
    assert normalise_contact("+86 138-0000-0000") == normalise_contact("13800000000") == "13800000000"
    assert normalise_contact("0086 13800000000") == "13800000000"
    assert normalise_contact("邮箱：Zhang.San@Example.COM") == "zhang.san@example.com"
    assert normalise_contact("023-6888 1234") == "02368881234"
    assert normalise_contact("村委会转") == "村委会转"


# -- similarity -----------------------------------------------------------------------------------


def test_similarity_of_near_and_far_contents() -> None:
    assert similarity(CONTENT, CONTENT) == 1.0
    assert similarity(CONTENT, "二〇一九年八桥镇老旧小区改造项目批复文件。") > 0.9
    assert similarity(CONTENT, "八桥镇老旧小区改造项目的批复") >= CONTAINMENT_SCORE  # contained
    assert similarity("八桥镇2025年财政预算", "跳磴镇道路拓宽工程规划许可证") < 0.2
    assert similarity("", "") == 1.0 and similarity("a", "") == 0.0


def test_dice_counts_repeated_bigrams_as_a_multiset() -> None:
    assert dice("aaa", "aa") == pytest.approx(2 * 1 / 3)
    assert dice("ab", "ba") == 0.0


CJK = st.sampled_from(list("八桥镇老旧小区改造项目批复文件财政预算道路规划年月日一二三"))
ALNUM = st.sampled_from(list("abcXYZ0123456789"))
TEXT = st.lists(st.one_of(CJK, ALNUM), min_size=0, max_size=40).map("".join)
PUNCT = st.sampled_from(list("，。、；：？！“”‘’（）《》【】—…·,.;:!?()[]- \u3000\t\n"))
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@given(TEXT, TEXT)
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0


@given(TEXT)
def test_similarity_is_one_on_identical_texts(a: str) -> None:
    assert similarity(a, a) == 1.0


@given(TEXT, st.lists(st.tuples(st.integers(min_value=0, max_value=40), PUNCT), max_size=8))
def test_punctuation_and_spaces_do_not_matter(text: str, inserts: list[tuple[int, str]]) -> None:
    noisy = text
    for position, mark in inserts:
        noisy = noisy[:position] + mark + noisy[position:]
    assert normalise_text(noisy) == normalise_text(text)
    assert similarity(noisy, text) == 1.0


@given(TEXT)
def test_full_width_forms_do_not_matter(text: str) -> None:
    wide = "".join(FULL_WIDTH.get(c, c) for c in text)
    assert normalise_text(wide) == normalise_text(text)


# -- same applicant and the matcher ---------------------------------------------------------------


def _app(
    content: str = CONTENT,
    *,
    name: str = "张三",
    id_document: str = "身份证 500104199001011234",
    contact: str = "13800000000",
    ref: int = 0,
) -> Application:
    return Application.of(name=name, id_document=id_document, contact=contact, content=content, ref=ref)


def test_same_applicant_by_name_and_id_or_by_contact() -> None:
    a = ApplicantKeys.of(name="张三", id_document="身份证 500104199001011234", contact="13800000000")
    b = ApplicantKeys.of(name="张 三", id_document="居民身份证500104199001011234", contact="13900000000")
    assert same_applicant(a, b) == (REASON_SAME_NAME_AND_ID,)
    c = ApplicantKeys.of(name="李四", id_document="另一证件 1234567", contact="138 0000 0000")
    assert same_applicant(a, c) == (REASON_SAME_CONTACT,)
    d = ApplicantKeys.of(name="张三", id_document="身份证 999999999999999999", contact="13900000000")
    assert same_applicant(a, d) == ()  # same name alone is not the same person
    blank = ApplicantKeys.of(name="", id_document="", contact="")
    assert same_applicant(blank, blank) == ()  # nothing known: never the same


def test_find_possible_duplicates_ranks_and_explains() -> None:
    new = _app(ref=0)
    earlier = [
        _app("八桥镇2025年财政预算", ref=1),  # same applicant, other subject
        _app("二〇一九年八桥镇老旧小区改造项目的批复文件", ref=2),  # the same request
        _app(CONTENT, name="李四", id_document="x 7654321", contact="13911111111", ref=3),  # another person
        _app("八桥镇老旧小区改造项目的批复", contact="13922222222", ref=4),  # contained, same name + id
    ]
    matches = find_possible_duplicates(new, earlier)
    assert [m.ref for m in matches] == [2, 4]
    assert matches[0].score == 1.0
    assert matches[0].reasons == (REASON_SAME_NAME_AND_ID, REASON_SAME_CONTACT, REASON_SAME_CONTENT)
    assert matches[1].reasons == (REASON_SAME_NAME_AND_ID, REASON_CONTAINED)
    assert find_possible_duplicates(new, earlier, threshold=1.0) == matches[:1]
    assert find_possible_duplicates(new, []) == []


def test_similar_but_not_identical_content_reports_its_score() -> None:
    new = _app("八桥镇老旧小区改造项目立项批复及资金使用情况")
    old = _app("八桥镇老旧小区改造项目的立项批复和资金使用情况说明", ref=9)
    (match,) = find_possible_duplicates(new, [old])
    assert DEFAULT_THRESHOLD <= match.score < 1.0
    assert f"{match.score:.2f}" in match.reasons[-1]


@given(TEXT, TEXT, st.booleans())
def test_matching_is_symmetric(a: str, b: str, same_contact: bool) -> None:
    x = _app(a, ref=1)
    y = _app(b, ref=2, name="李四", contact="13800000000" if same_contact else "13911111111")
    xy = find_possible_duplicates(x, [y])
    yx = find_possible_duplicates(y, [x])
    assert [(m.score, m.reasons) for m in xy] == [(m.score, m.reasons) for m in yx]
    if not same_contact:
        assert xy == []
