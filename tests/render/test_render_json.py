"""JSON: exactly the spec's report JSON, lossless."""

from __future__ import annotations

import json

from render_samples import HOSTILE_BODY

from xxgk.core.model import FORMAT, CellState, Report
from xxgk.render import render


def test_published_reports_round_trip(published: Report) -> None:
    data = render(published, "json")
    assert data.endswith(b"\n")
    assert Report.from_json(data) == published


def test_samples_with_every_state_narrative_provenance_and_mixed_templates_round_trip(sample: Report) -> None:
    assert {sample.cells[c].state for c in sample.codes} == set(CellState)
    back = Report.from_json(render(sample, "json"))
    assert back == sample
    assert back.templates == sample.templates
    assert back.narrative == sample.narrative
    assert back.cells["s3.unable.unclear.total"].source == sample.cells["s3.unable.unclear.total"].source


def test_json_is_utf8_with_the_spec_keys_and_unescaped_chinese(sample: Report) -> None:
    data = render(sample, "json")
    text = data.decode("utf-8")
    assert HOSTILE_BODY.split("</script>")[1].split(" ")[0] in text  # "测试镇" written as is, not \\u-escaped
    doc = json.loads(text)
    assert doc["format"] == FORMAT
    assert set(doc["cells"]) == set(sample.codes)
