"""Fill the new cached columns of existing cases from their stored events: the normalised applicant keys (from
the registration payload) and the fee columns (from the fee notice and payment events)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from xxgk.core.duplicates import ApplicantKeys

BATCH = 500
FIELDS = [
    "applicant_name_key",
    "applicant_id_key",
    "applicant_contact_key",
    "fee_amount",
    "fee_notice_on",
    "fee_paid_on",
]


def _data(payload: Any) -> dict[str, Any]:
    data = payload.get("data") if isinstance(payload, dict) else None
    return data if isinstance(data, dict) else {}


def _fill(case: Any, events: list[Any]) -> None:
    for event in events:
        data = _data(event.payload)
        if event.action in ("register", "register_pending"):
            applicant = data.get("applicant") or {}
            keys = ApplicantKeys.of(
                name=str(applicant.get("name", "")),
                id_document=str(applicant.get("id_document", "")),
                contact=str(applicant.get("contact", "")),
            )
            case.applicant_name_key = keys.name[:200]
            case.applicant_id_key = keys.id_document[:200]
            case.applicant_contact_key = keys.contact[:200]
        elif event.action == "send_fee_notice":
            try:
                case.fee_amount = Decimal(str(data.get("amount")))
            except InvalidOperation:
                case.fee_amount = None
            case.fee_notice_on = event.on
        elif event.action == "record_payment":
            case.fee_paid_on = event.on


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    case_model = apps.get_model("cases", "Case")
    event_model = apps.get_model("cases", "CaseEvent")
    alias = schema_editor.connection.alias
    pending: list[Any] = []
    for case in case_model.objects.using(alias).order_by("pk").iterator(chunk_size=BATCH):
        events = list(event_model.objects.using(alias).filter(case_id=case.pk).order_by("seq"))
        _fill(case, events)
        pending.append(case)
        if len(pending) >= BATCH:
            case_model.objects.using(alias).bulk_update(pending, FIELDS)
            pending = []
    if pending:
        case_model.objects.using(alias).bulk_update(pending, FIELDS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_registration_edits_duplicates_fees_digest")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
