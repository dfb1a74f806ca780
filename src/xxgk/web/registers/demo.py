"""Demo registers: normative documents and yearly figures for the demo bodies, through the services.

八桥镇 2020 comes out exactly as table 2 of its published 2020 report (all zero except 政府集中采购: 95 projects,
589.08万元); the other years and bodies are plausible. Running :func:`seed` again changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User

from xxgk.core.table2 import DocKind, FigureItem, figure_fields
from xxgk.web.registers.data import AmendmentData, DocumentData, FigureData
from xxgk.web.registers.models import NormativeDocument, YearlyFigure
from xxgk.web.registers.services import amendment_add, document_create, figure_save
from xxgk.web.tenancy.models import Body

#: The user who enters each body's registers (a member of that body).
CLERKS = {"ddk": "qu_admin", "ddk-baqiao": "baqiao_jbr", "ddk-tiaodeng": "tiaodeng_jbr", "ddk-ghzy": "ghzy_jbr"}

BAQIAO_REPORT_2020 = "《大渡口区八桥镇2020年政府信息公开工作年度报告》及镇政务服务中心2020年统计"

N, R = DocKind.NORMATIVE, DocKind.REGULATION

#: body code → documents (with amendments as (date, 文号) pairs)
DOCUMENTS: dict[str, list[tuple[DocumentData, tuple[AmendmentData, ...]]]] = {
    "ddk": [
        (
            DocumentData(
                N,
                "重庆市大渡口区人民政府关于印发大渡口区行政规范性文件管理办法的通知",
                "大渡口府发〔2019〕8号",
                issued_on=date(2019, 3, 12),
                published_on=date(2019, 3, 15),
                effective_on=date(2019, 4, 1),
                expires_on=date(2024, 3, 31),
            ),
            (AmendmentData(date(2021, 6, 18), "大渡口府发〔2021〕11号", date(2021, 6, 22), "根据上位法修订"),),
        ),
        (
            DocumentData(
                N,
                "重庆市大渡口区人民政府关于印发大渡口区城镇老旧小区改造实施办法的通知",
                "大渡口府发〔2020〕5号",
                issued_on=date(2020, 2, 20),
                published_on=date(2020, 2, 26),
                effective_on=date(2020, 3, 1),
                repealed_on=date(2023, 7, 1),
            ),
            (),
        ),
        (
            DocumentData(
                N,
                "重庆市大渡口区人民政府关于印发大渡口区政府信息公开工作办法的通知",
                "大渡口府发〔2022〕3号",
                issued_on=date(2022, 1, 25),
                published_on=date(2022, 1, 28),
                effective_on=date(2022, 3, 1),
                expires_on=date(2027, 2, 28),
            ),
            (),
        ),
    ],
    "ddk-ghzy": [
        (
            DocumentData(
                N,
                "大渡口区规划和自然资源局关于规范集体土地征收补偿安置有关事项的通知",
                "大渡口规资发〔2019〕21号",
                issued_on=date(2019, 9, 2),
                published_on=date(2019, 9, 5),
                effective_on=date(2019, 10, 1),
                expires_on=date(2024, 9, 30),
            ),
            (),
        ),
        (
            DocumentData(
                N,
                "大渡口区规划和自然资源局关于印发建设工程规划许可实施细则的通知",
                "大渡口规资发〔2021〕7号",
                issued_on=date(2021, 4, 8),
                published_on=date(2021, 4, 12),
                effective_on=date(2021, 5, 1),
            ),
            (AmendmentData(date(2023, 5, 10), "大渡口规资发〔2023〕9号", date(2023, 5, 12), "简化审批环节"),),
        ),
        (
            DocumentData(
                N,
                "大渡口区规划和自然资源局关于临时用地管理有关问题的通知",
                "大渡口规资发〔2020〕14号",
                issued_on=date(2020, 6, 15),
                published_on=date(2020, 6, 18),
                repealed_on=date(2022, 12, 1),
            ),
            (),
        ),
    ],
    "ddk-baqiao": [
        # 八桥镇 made no normative document up to 2020 (its 2020 report: 0 / 0 / 0).
        (
            DocumentData(
                N,
                "大渡口区八桥镇人民政府关于印发八桥镇农村人居环境整治管理办法的通知",
                "八桥府发〔2022〕15号",
                issued_on=date(2022, 4, 12),
                published_on=date(2022, 4, 15),
                effective_on=date(2022, 5, 1),
            ),
            (),
        ),
    ],
}


def _figure(year: int, item: FigureItem, values: dict[str, object], source: str) -> FigureData:
    """A figure with the numbers the year's template asks for (0 unless given)."""
    wanted = {f.value for f in figure_fields(item, year)}
    numbers: dict[str, object] = {}
    for name in wanted:
        default: object = Decimal(0) if name == "amount" else 0
        numbers[name] = values.get(name, default)
    return FigureData(year=year, item=item, source=source, **numbers)  # type: ignore[arg-type]


def _figures() -> dict[str, list[FigureData]]:
    out: dict[str, list[FigureData]] = {"ddk-baqiao": [], "ddk-tiaodeng": [], "ddk-ghzy": []}
    # 八桥镇 2019–2020: the 2020 report shows zeros everywhere but procurement.
    for year in (2019, 2020):
        for item in FigureItem:
            if item is FigureItem.PROCUREMENT:
                continue
            out["ddk-baqiao"].append(_figure(year, item, {}, f"八桥镇{year}年政务服务和执法统计（无此类事项）"))
    out["ddk-baqiao"].append(
        _figure(
            2019,
            FigureItem.PROCUREMENT,
            {"projects": 88, "amount": Decimal("512.36")},
            "八桥镇2019年政府采购台账",
        )
    )
    out["ddk-baqiao"].append(
        _figure(
            2020,
            FigureItem.PROCUREMENT,
            {"projects": 95, "amount": Decimal("589.08")},
            BAQIAO_REPORT_2020,
        )
    )
    for year in range(2021, 2026):
        k = year - 2021
        out["ddk-baqiao"] += [
            _figure(year, FigureItem.LICENSING, {"decisions": 3 + k}, f"区政务服务平台{year}年办件统计"),
            _figure(year, FigureItem.PENALTIES, {"decisions": 12 + 2 * k}, f"镇综合行政执法办{year}年台账"),
            _figure(year, FigureItem.COERCION, {"decisions": k % 2}, f"镇综合行政执法办{year}年台账"),
            _figure(year, FigureItem.FEES, {}, f"非税收入管理系统{year}年报表（无收费）"),
        ]
        out["ddk-tiaodeng"] += [
            _figure(year, FigureItem.LICENSING, {"decisions": 5 + k}, f"区政务服务平台{year}年办件统计"),
            _figure(year, FigureItem.PENALTIES, {"decisions": 20 + k}, f"镇综合行政执法办{year}年台账"),
            _figure(year, FigureItem.COERCION, {"decisions": 1}, f"镇综合行政执法办{year}年台账"),
            _figure(year, FigureItem.FEES, {}, f"非税收入管理系统{year}年报表（无收费）"),
        ]
        out["ddk-ghzy"] += [
            _figure(year, FigureItem.LICENSING, {"decisions": 640 + 35 * k}, f"规划审批系统{year}年统计"),
            _figure(year, FigureItem.PENALTIES, {"decisions": 18 + k}, f"自然资源执法系统{year}年统计"),
            _figure(year, FigureItem.COERCION, {"decisions": 2}, f"自然资源执法系统{year}年统计"),
            _figure(
                year,
                FigureItem.FEES,
                {"amount": Decimal("1286.5423") + Decimal(37 * k)},
                f"非税收入管理系统{year}年报表",
            ),
        ]
    for year, prev, change in ((2019, 46, 3), (2020, 49, -4)):
        out["ddk-ghzy"] += [
            _figure(
                year,
                FigureItem.LICENSING,
                {"prev_items": prev, "change": change, "decisions": 600 + year - 2019},
                f"规划审批系统{year}年统计",
            ),
            _figure(
                year,
                FigureItem.OTHER_SERVICES,
                {"prev_items": 21, "change": 0, "decisions": 155},
                f"区政务服务平台{year}年统计",
            ),
            _figure(
                year,
                FigureItem.PENALTIES,
                {"prev_items": 132, "change": 0, "decisions": 17},
                f"自然资源执法系统{year}年统计",
            ),
            _figure(
                year,
                FigureItem.COERCION,
                {"prev_items": 9, "change": 0, "decisions": 1},
                f"自然资源执法系统{year}年统计",
            ),
            _figure(year, FigureItem.FEES, {"prev_items": 4, "change": 0}, f"行政事业性收费目录清单{year}年"),
            _figure(
                year,
                FigureItem.PROCUREMENT,
                {"projects": 12 + year - 2019, "amount": Decimal("346.2")},
                f"政府采购云平台{year}年采购台账",
            ),
        ]
    return out


def seed(*, bodies: dict[str, Body], users: dict[str, User]) -> None:
    """Load the demo registers (idempotent: existing 文号 and item/years are left alone)."""
    for code, rows in DOCUMENTS.items():
        body, actor = bodies.get(code), users.get(CLERKS[code])
        if body is None or actor is None:
            continue
        for data, amendments in rows:
            if NormativeDocument.objects.filter(body=body, doc_number=data.doc_number).exists():
                continue
            doc = document_create(actor=actor, body_id=body.pk, data=data)
            for amendment in amendments:
                amendment_add(actor=actor, document_id=doc.pk, data=amendment)
    for code, figures in _figures().items():
        body, actor = bodies.get(code), users.get(CLERKS[code])
        if body is None or actor is None:
            continue
        for fig in figures:
            if YearlyFigure.objects.filter(body=body, year=fig.year, item=fig.item.value).exists():
                continue
            figure_save(actor=actor, body_id=body.pk, data=fig)
