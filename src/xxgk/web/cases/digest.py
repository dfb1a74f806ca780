"""The daily digest: one e-mail per handler listing their overdue and due-soon cases.

:func:`digest_send` is the service (``manage.py xxgk_digest`` is a thin wrapper; a background job can call it
too). It uses Django's configured ``EMAIL_BACKEND`` (the console backend unless ``XXGK_EMAIL_HOST`` is set),
links to ``settings.XXGK_BASE_URL`` and records a :class:`~xxgk.web.cases.models.DigestLog` row per user and day,
so running it twice on the same day sends nothing twice (``force=True`` resends). Users without an e-mail address
are reported, not skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.cases.models import DigestLog
from xxgk.web.cases.selectors import DigestCase, digest_cases
from xxgk.web.workcalendar.selectors import calendar_get

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class DigestMessage:
    """One digest: who, where, how many cases overdue / due soon, and the case numbers."""

    username: str
    email: str
    overdue: int
    due_soon: int
    numbers: tuple[str, ...]


@dataclass
class DigestResult:
    on: date
    days: int
    dry_run: bool
    sent: list[DigestMessage] = field(default_factory=list)  # sent (or, in a dry run, that would be sent)
    already_sent: list[str] = field(default_factory=list)  # usernames skipped: digest already sent that day
    no_email: list[str] = field(default_factory=list)  # usernames with due cases but no e-mail address
    failed: list[tuple[str, str]] = field(default_factory=list)  # (username, error)


def base_url() -> str:
    return str(getattr(settings, "XXGK_BASE_URL", DEFAULT_BASE_URL)).rstrip("/")


def _display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def digest_message(*, user: User, items: list[DigestCase], on: date, days: int) -> EmailMultiAlternatives:
    """The digest e-mail of ``user`` (plain text and a simple HTML alternative, in the site language)."""
    root = base_url()
    rows: list[dict[str, Any]] = [
        {
            "item": item,
            "case": item.case,
            "url": root + reverse("cases:detail", kwargs={"case_id": item.case.pk}),
        }
        for item in items
    ]
    overdue = [r for r in rows if r["item"].overdue]
    due_soon = [r for r in rows if not r["item"].overdue]
    context = {
        "name": _display_name(user),
        "on": on,
        "days": days,
        "overdue": overdue,
        "due_soon": due_soon,
        "list_url": root + reverse("cases:list") + "?view=mine",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("cases/email/digest_subject.txt", context).strip()
        text = render_to_string("cases/email/digest.txt", context)
        html = render_to_string("cases/email/digest.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def digest_send(
    *, on: date | None = None, days: int | None = None, dry_run: bool = False, force: bool = False
) -> DigestResult:
    """E-mail each handler the open cases whose nearest deadline is passed or within ``days`` working days of
    ``on`` (defaults: today, ``settings.XXGK_DUE_SOON_DAYS``). Idempotent per user and day unless ``force``;
    ``dry_run`` sends and records nothing but reports what would be sent."""
    day = on or timezone.localdate()
    horizon = settings.XXGK_DUE_SOON_DAYS if days is None else days
    result = DigestResult(on=day, days=horizon, dry_run=dry_run)
    per_user = digest_cases(on=day, days=horizon, calendar=calendar_get())
    connection = None if dry_run else get_connection()
    for user, items in sorted(per_user.items(), key=lambda kv: kv[0].get_username()):
        username = user.get_username()
        if not user.email:
            result.no_email.append(username)
            continue
        summary = DigestMessage(
            username=username,
            email=user.email,
            overdue=sum(1 for i in items if i.overdue),
            due_soon=sum(1 for i in items if not i.overdue),
            numbers=tuple(i.case.number for i in items),
        )
        if dry_run:
            if not force and DigestLog.objects.filter(user=user, on=day).exists():
                result.already_sent.append(username)
            else:
                result.sent.append(summary)
            continue
        try:
            with transaction.atomic():
                if not _claim(user=user, day=day, summary=summary, force=force):
                    result.already_sent.append(username)
                    continue
                message = digest_message(user=user, items=items, on=day, days=horizon)
                message.connection = connection
                message.send()
                audit_record(
                    code=AuditCode.DIGEST_SENT,
                    actor=None,
                    object_type="user",
                    object_id=user.pk,
                    new={
                        "on": day.isoformat(),
                        "email": user.email,
                        "overdue": summary.overdue,
                        "due_soon": summary.due_soon,
                        "cases": list(summary.numbers),
                    },
                )
        except Exception as exc:  # one failing address must not stop the others
            result.failed.append((username, str(exc) or type(exc).__name__))
            continue
        result.sent.append(summary)
    return result


def _claim(*, user: User, day: date, summary: DigestMessage, force: bool) -> bool:
    """Record the digest of ``user`` for ``day``; False when it was already sent (and not forced). Runs inside
    the caller's transaction, so a failed send leaves no row behind."""
    values = {"email": user.email, "overdue": summary.overdue, "due_soon": summary.due_soon}
    try:
        with transaction.atomic():
            DigestLog.objects.create(user=user, on=day, **values)
        return True
    except IntegrityError:
        pass
    if not force:
        return False
    log = DigestLog.objects.select_for_update().get(user=user, on=day)
    for key, value in values.items():
        setattr(log, key, value)
    log.sent_at = timezone.now()
    log.sends += 1
    log.save()
    return True
