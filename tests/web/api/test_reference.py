"""Reference data: the outcome catalogue with its table-3 rows and cells, a year's working days, the codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User

from tests.web.api.conftest import ApiClient
from xxgk.core.calendar import DayKind
from xxgk.core.outcomes import OUTCOMES, ApplicantType, Channel, Outcome, report_cell
from xxgk.core.workflow import TRANSITIONS, Status
from xxgk.web.cases.selectors import VIEWS
from xxgk.web.cases.services import SERVICES
from xxgk.web.workcalendar.selectors import calendar_get
from xxgk.web.workcalendar.services import calendar_day_save, calendar_year_set_announced

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], ApiClient]


def test_outcomes_catalogue(api_as: Api) -> None:
    reply = api_as("nobody").get("/api/v1/outcomes")  # reference data: any token will do
    assert reply.status == 200
    items = reply.data
    assert [o["code"] for o in items] == [o.value for o in OUTCOMES]
    for item in items:
        spec = OUTCOMES[Outcome(item["code"])]
        assert item["label"] == spec.label and item["group"] == spec.group.value
        assert item["by_reply"] == spec.by_reply and item["requires_reasons"] == spec.requires_reasons
        assert item["rows"] == {"2019": spec.row_2019, "2021": spec.row_2021}
        for template in ("2019", "2021"):
            assert item["cells"][template] == {t.value: report_cell(spec.outcome, t, template) for t in ApplicantType}
    withdrawn = next(o for o in items if o["code"] == "withdrawn")
    assert withdrawn["rows"] == {"2019": "other", "2021": "other.other"} and not withdrawn["by_reply"]
    assert withdrawn["cells"]["2021"]["business"] == "s3.other.other.business"


def test_calendar_year(api_as: Api, users: dict[str, User]) -> None:
    client = api_as("bq_clerk")
    reply = client.get("/api/v1/calendar/2026")
    assert reply.status == 200
    data = reply.data
    calendar = calendar_get()
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    expected = [d.isoformat() for d in days if calendar.is_working_day(d)]
    assert data["working_days"] == expected and data["working_day_count"] == len(expected)
    assert data["announced"] == calendar.is_announced(2026)
    assert [o["day"] for o in data["overrides"]] == [o.day.isoformat() for o in calendar.overrides_in(2026)]
    # a local holiday entered by the administrator shows up at once
    calendar_day_save(
        actor=users["qu_admin"], day=date(2031, 6, 2), kind=DayKind.LOCAL_HOLIDAY, name="地方节日", source="测试"
    )
    later = client.get("/api/v1/calendar/2031").data
    assert "2031-06-02" not in later["working_days"] and "2031-06-03" in later["working_days"]
    assert later["overrides"][0]["kind"] == "local_holiday" and later["overrides"][0]["name"] == "地方节日"
    assert later["announced"] is False and "2031" in later["provisional_reason"]
    calendar_year_set_announced(actor=users["qu_admin"], year=2031, announced=True, source="国办发明电")
    announced = client.get("/api/v1/calendar/2031").data
    assert announced["announced"] is True and announced["provisional_reason"] == ""
    assert announced["source"] == "国办发明电"
    for bad in ("1899", "2201", "next"):
        wrong = client.get(f"/api/v1/calendar/{bad}")
        assert wrong.status == 422 and wrong.data["errors"][0]["field"] == "year", bad


def test_vocabularies(api_as: Api) -> None:
    data = api_as("bq_clerk").get("/api/v1/vocabularies").data
    assert [c["code"] for c in data["channels"]] == [c.value for c in Channel]
    assert {c["code"]: c["label"] for c in data["statuses"]} == {s.value: s.label for s in Status}
    assert {v["code"] for v in data["views"]} == set(VIEWS)
    assert [a["code"] for a in data["actions"]] == [a.value for a in SERVICES]
    extend = next(a for a in data["actions"] if a["code"] == "extend")
    assert extend["roles"] == ["head"] and extend["payload"] == "ExtensionIn"
    assert set(extend["from_statuses"]) == {s.value for (s, a) in TRANSITIONS if a.value == "extend"}


@pytest.mark.parametrize("path", ["/api/v1/outcomes", "/api/v1/calendar/2026", "/api/v1/vocabularies"])
def test_reference_needs_a_token(api_as: Api, path: str) -> None:
    reply = api_as(None).get(path)
    assert reply.status == 401 and reply.data["code"] == "token_missing"
