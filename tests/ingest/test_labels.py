"""Headings, row labels and column headers are recognised by meaning, in all their printed variants."""

from __future__ import annotations

import pytest

from xxgk.ingest.labels import s2_header_columns, s2_item, s3_label, section_heading, table_signal


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("一、总体情况", "overall"),
        ("\u3000\u3000一、总体情况", "overall"),
        ("## 一、总体情况", "overall"),
        ("**六、其他需要报告的事项**", "other"),
        ("二、主动公开政府信息情况", "s2"),
        ("三、收到和处理政府信息公开申请情况", "s3"),
        ("四、政府信息公开行政复议、行政诉讼情况", "s4"),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "s4"),
        ("四、政府信息公开行政法复议、行政诉讼情况", "s4"),  # typo seen in real reports
        ("五、存在的主要问题及改进情况", "problems"),
        ("五、存在问题及改进情况", "problems"),
        ("五、政府信息公开工作存在的主要问题及改进情况", "problems"),
        ("五、政府信息公开存在的主要问题及改进情况", "problems"),
        ("六、其他需要报告的事项", "other"),
        ("六、需要说明的其他事项与附表", "other"),
    ],
)
def test_section_headings(line: str, key: str) -> None:
    heading = section_heading(line)
    assert heading is not None
    assert heading.key == key
    assert heading.rest == ""


@pytest.mark.parametrize(
    "line",
    [
        "三、本年度办理结果",  # table-3 row labels look like headings but are not
        "四、结转下年度继续办理",
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）主动公开政府信息情况",  # a sub-heading of 一、总体情况
        "依申请公开方面，我局共收到申请3件。",
        "",
    ],
)
def test_not_headings(line: str) -> None:
    assert section_heading(line) is None


def test_heading_with_its_first_sentence() -> None:
    heading = section_heading("一、总体情况：2021年，我局认真落实《条例》。")
    assert heading is not None
    assert heading.rest == "2021年，我局认真落实《条例》。"


@pytest.mark.parametrize(
    ("label", "row"),
    [
        ("一、本年新收政府信息公开申请数量", "received"),
        ("二、上年结转政府信息公开申请数量", "carried_in"),
        ("三、本年度办理结果（一）予以公开", "granted"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
        ("（三）不予 公开1.属于国家秘密", "denied.state_secret"),  # space inside a label
        ("(三)不予公开 1、属于国家秘密", "denied.state_secret"),  # half-width brackets, 、
        ("2.其他法律行政法规禁止公开", "denied.prohibited"),
        ("3．危及“三安全一稳定”", "denied.security"),
        ("4.保护第三方合法权益", "denied.third_party"),
        ("5.属于三类内部事务信息", "denied.internal"),
        ("6.属于四类过程性信息", "denied.process"),
        ("7.属于行政执法案件", "denied.enforcement_file"),  # typo for 案卷
        ("8.属于行政查询事项", "denied.inquiry"),
        ("（四）无法 提供1.本机关不掌握相关政府信息", "unable.not_held"),
        ("2.没有现成信息需要另行制作", "unable.needs_creation"),
        ("3.补正后申请内容仍不明确", "unable.unclear"),
        ("1.信访举报投诉类申请", "not_processed.complaint"),
        ("2.重复申请", "not_processed.duplicate"),
        ("3.要求提供公开出版物", "not_processed.publication"),
        ("4.无正当理由大量反复申请", "not_processed.excessive"),
        ("5.要求行政机关确认或重新出具已获取信息", "not_processed.confirmation"),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction"),
        ("2.申请人逾期未按收费通知要求缴纳费用，行政机关不再处理其政府信息公开申请", "other.no_fee"),
        ("三、本年度办理结果（六）其他处理", "other"),  # the single 2019 row
        ("（六）其他处理3.其他", "other.other"),
        ("（七）总计", "total"),
        ("四、结转下年度继续办理", "carried_out"),
        ("三、本年度办理结果 / （三）不予公开 / 1\\.属于国家秘密".replace("\\", ""), "denied.state_secret"),
    ],
)
def test_table3_labels(label: str, row: str) -> None:
    assert s3_label(label, None).row == row


def test_table3_other_needs_its_group() -> None:
    assert s3_label("3.其他", "other").row == "other.other"
    assert s3_label("3.其他", None).row is None
    assert s3_label("3.其他", "denied").row is None


def test_table3_unknown_rows_are_not_forced_into_the_template() -> None:
    assert s3_label("三、本年度办理结果（三）不予公开9.属于本地增设情形", None).row is None
    assert s3_label("（三）不予公开", None).row is None  # a group label alone is no data row
    assert s3_label("（三）不予公开", None).group == "denied"


@pytest.mark.parametrize(
    ("label", "item"),
    [
        ("规章", "regulations"),
        ("规章（设区的市、自治州人民政府应提供相关数据）", "regulations"),
        ("规范性文件", "normative_docs"),
        ("行政规范性文件", "normative_docs"),
        ("规范性文件（行政机关制定发布的决定、公告、通告，以及标题采用“规定”“办法”等字样的公文）", "normative_docs"),
        ("行政许可", "licensing"),
        ("其他对外管理服务事项（指行政许可以外的政务服务事项，含行政处罚、行政强制）", "other_services"),
        ("行政处罚", "penalties"),
        ("行政强制", "coercion"),
        ("行政事业性收费", "fees"),
        ("政府集中采购", "procurement"),
        ("其他主动公开文件（含以本单位名义签发的文件）", None),
    ],
)
def test_table2_items(label: str, item: str | None) -> None:
    assert s2_item(label) == item


@pytest.mark.parametrize(
    ("cells", "columns"),
    [
        (["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["made", "published", "total"]),
        (["信息内容", "本年新制作数量", "本年公开数量", "对外公开总数量"], ["made", "published", "total"]),
        (["信息内容 上一年项目数量 本年增/减 处理决定数量"], ["prev_items", "change", "decisions"]),
        (["信息内容", "采购项目数量", "采购总金额"], ["projects", "amount"]),
        (["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["issued", "repealed", "in_force"]),
        (["信息内容", "本年制发件数", "本年废纸件数", "先行有效件数"], ["issued", "repealed", "in_force"]),
        (["信息内容", "本年处理决定数量"], ["decisions"]),
        (["信息内容", "本年新\n制作数量"], ["made"]),  # <br> inside the header
        (
            ["上一年项目数量（指2019年事项数）", "本年增/减（指2020年增加或减少的事项数，减用负值表示，如-8）"],
            ["prev_items", "change"],
        ),
    ],
)
def test_table2_header_columns(cells: list[str], columns: list[str]) -> None:
    assert [c.key for c in s2_header_columns(cells)] == columns


def test_table2_header_units() -> None:
    (fee,) = s2_header_columns(["本年收费金额（单位：万元）"])
    assert (fee.key, fee.unit) == ("amount", "万元")
    projects, amount = s2_header_columns(["采购项目数量 采购总金额（元）"])
    assert amount.unit == "元"
    assert projects.unit is None


@pytest.mark.parametrize(
    ("words", "table"),
    [
        (["第二十条第(一)项"], "s2"),
        (["信息内容"], "s2"),
        (["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"], "s3"),
        (["申请人情况"], "s3"),
        (["行政复议", "行政诉讼"], "s4"),
        (["未经复议直接起诉"], "s4"),
        (["根据条例第二十条第(一)项的规定,我局主动公开了规范性文件。"], None),  # a sentence is no header
        (["行政复议"], None),
    ],
)
def test_table_signals(words: list[str], table: str | None) -> None:
    assert table_signal(words) == table
