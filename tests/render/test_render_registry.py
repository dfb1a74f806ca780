"""The renderer registry and the ``render`` entry point: one interface, clear errors, no crash on odd reports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from render_samples import make_report

from xxgk.core.errors import RenderError
from xxgk.core.model import Cell, Report
from xxgk.render import RENDERERS, get_renderer, render

FORMATS = ("json", "md", "html", "xlsx", "docx", "pdf")


def test_registry_has_the_six_formats_with_their_names() -> None:
    assert set(RENDERERS) == set(FORMATS)
    for name, renderer in RENDERERS.items():
        assert renderer.name == name
        assert renderer.suffix == f".{name}"
        assert renderer.media_type


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_dispatches_to_the_registered_renderer(fmt: str) -> None:
    report = make_report("2021")
    assert render(report, fmt) == RENDERERS[fmt].render(report)


@pytest.mark.parametrize(
    ("alias", "name"), [(".HTML", "html"), ("Markdown", "md"), ("htm", "html"), (" xlsx ", "xlsx")]
)
def test_format_aliases(alias: str, name: str) -> None:
    assert get_renderer(alias) is RENDERERS[name]


@pytest.mark.parametrize("fmt", ["pdfx", "", "doc", "../html"])
def test_unknown_format_is_a_render_error_listing_the_known_ones(fmt: str) -> None:
    with pytest.raises(RenderError) as info:
        render(make_report("2021"), fmt)
    for name in FORMATS:
        assert name in info.value.message


def test_rendering_something_that_is_not_a_report_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="Report"):
        render({"template": "2021"}, "html")  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_in_odd_shapes_render_without_crashing(fmt: str) -> None:
    """Cells removed after construction, floats and extreme numbers, empty metadata: output, never a traceback."""
    report = Report(template="2021")  # no year, body, title, narrative; every cell absent
    assert render(report, fmt)
    odd = make_report("2021")
    del odd.cells["s3.received.natural"]
    odd.cells["s2.fees.amount"] = Cell.number(Decimal("1E+3"))
    odd.cells["s3.total.total"] = Cell.number(10**20)
    odd.cells["s2.fees.amount"] = Cell.number(
        Decimal("0.3000000000000000166533453693773481063544750213623046875")
    )  # float noise
    assert render(odd, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_whose_cells_no_longer_match_its_templates(fmt: str) -> None:
    """Human formats show the cells the report lacks as absent; JSON (lossless) refuses with a clear error."""
    report = make_report("2021")
    report.templates["s2"] = "2019"  # table 2 now has codes the report holds no cell for, and stray 2021 cells
    if fmt == "json":
        with pytest.raises(RenderError, match=r"s2\.regulations\.issued"):
            render(report, fmt)
    else:
        assert render(report, fmt)
