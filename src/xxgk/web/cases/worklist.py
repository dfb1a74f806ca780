"""The markup of the work list's rows and filter fields, written in Python instead of by the template engine.

The work list (``/cases/``) is the page clerks open most. Rendered by Django's template engine and form widgets it
cost ~0.4 ms of CPU per row (a ``{% url %}``, three choice labels, dates, filters and translations each) and
4–11 ms for the filter form's widgets (one template per widget and per ``<option>``); the load benchmark
(docs/performance.md §5) asks for the page within 5× of a trivial view. Here a row costs a few microseconds: the
labels of the current language are looked up once per process (:func:`_vocabulary`), the case links come from one
``reverse()`` per page, and every value — user input or label — goes through :func:`html.escape` before it is
joined into the markup (the only place the result is marked safe is :func:`_safe`; ``tests/security/test_xss.py``
shows hostile applicant names escaped on this page). The markup is the one the template used to write
(``tests/web/cases/test_worklist.py`` compares the fields with Django's own widgets).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import cast

from django import forms
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xxgk.web.cases.forms import CaseFilterForm
from xxgk.web.cases.models import APPLICANT_TYPE_CHOICES, OUTCOME_CHOICES, STATUS_CHOICES, DuplicateDecision
from xxgk.web.cases.selectors import CasePage, CaseRow


def _safe(markup: str) -> SafeString:
    """Markup built in this module from escaped values only."""
    return mark_safe(markup)  # every value in it went through html.escape


@dataclass(frozen=True)
class _Vocabulary:
    """The labels a row shows, in one language, escaped for HTML."""

    status: dict[str, str]
    outcome: dict[str, str]
    applicant_type: dict[str, str]
    to_confirm: str
    provisional: str
    duplicate_pending: str
    duplicate_confirmed: str
    deadline_labels: dict[str, str]  # filled as labels appear (gettext of each next_due_label)
    header: str  # the table's header row


@functools.lru_cache(maxsize=16)
def _vocabulary(language: str | None) -> _Vocabulary:
    """The escaped labels of ``language`` (the active one when called; catalogues do not change while a process
    runs, so once per language per process)."""

    def labels(choices: list[tuple[str, object]]) -> dict[str, str]:
        return {value: escape(str(label)) for value, label in choices}

    pending_title, pending = escape(_("疑似重复申请，待经办人判断")), escape(_("疑似重复"))
    confirmed_title, confirmed = escape(_("已确认为重复申请")), escape(_("重复申请"))
    return _Vocabulary(
        status=labels(STATUS_CHOICES),
        outcome=labels(OUTCOME_CHOICES),
        applicant_type=labels(APPLICANT_TYPE_CHOICES),
        to_confirm=escape(_("待确认")),
        provisional=escape(_("（暂定）")),
        duplicate_pending=f'<br><span class="badge warn duplicate-marker" title="{pending_title}">{pending}</span>',
        duplicate_confirmed=f'<br><span class="badge duplicate-marker" title="{confirmed_title}">{confirmed}</span>',
        deadline_labels={},
        header="<tr>"
        + "".join(
            f'<th scope="col">{escape(label)}</th>'
            for label in (
                _("编号"),
                _("机关"),
                _("申请人"),
                _("申请内容"),
                _("收到日期"),
                _("状态"),
                _("最近期限"),
                _("经办人"),
            )
        )
        + "</tr>",
    )


def _deadline_label(words: _Vocabulary, label: str) -> str:
    shown = words.deadline_labels.get(label)
    if shown is None:
        shown = words.deadline_labels[label] = escape(_(label)) if label else ""
    return shown


def _case_url() -> tuple[str, str]:
    """The case page's URL around its id (one ``reverse()`` per page instead of one per row)."""
    marker = 987654321
    head, _sep, tail = reverse("cases:detail", kwargs={"case_id": marker}).partition(str(marker))
    return head, tail


def _row(row: CaseRow, words: _Vocabulary, today: date, url: tuple[str, str]) -> str:
    duplicate = (
        words.duplicate_pending
        if row.duplicate == DuplicateDecision.PENDING
        else words.duplicate_confirmed
        if row.duplicate == DuplicateDecision.CONFIRMED
        else ""
    )
    received = row.received_on.isoformat() if row.received_on is not None else words.to_confirm
    status = words.status.get(row.status) or escape(row.status)
    if row.outcome:
        status += f"<br><small>{words.outcome.get(row.outcome) or escape(row.outcome)}</small>"
    if row.next_due is not None:
        overdue = ' class="overdue"' if row.next_due < today else ""
        provisional = words.provisional if row.due_provisional else ""
        due = (
            f"<span{overdue}>{row.next_due.isoformat()}</span>"
            f"<br><small>{_deadline_label(words, row.next_due_label)}{provisional}</small>"
        )
    else:
        due = "—"
    kind = words.applicant_type.get(row.applicant_type) or escape(row.applicant_type)
    return (
        f'<tr>\n    <td><a href="{url[0]}{row.id}{url[1]}">{escape(row.number)}</a>{duplicate}</td>\n'
        f"    <td>{escape(row.body_name)}</td>\n"
        f"    <td>{escape(row.applicant_name)}<br><small>{kind}</small></td>\n"
        f"    <td>{escape(row.content)}</td>\n"
        f"    <td>{received}</td>\n"
        f"    <td>{status}</td>\n"
        f"    <td>{due}</td>\n"
        f"    <td>{escape(row.handler_name)}</td>\n"
        "  </tr>\n  "
    )


def header_html() -> SafeString:
    """The table's header row in the active language (the same for every page: once per language)."""
    return _safe(_vocabulary(get_language()).header)


def rows_html(page: CasePage, *, today: date) -> SafeString:
    """The ``<tr>`` of every row of ``page`` (deadlines before ``today`` marked overdue)."""
    words = _vocabulary(get_language())
    url = _case_url()
    return _safe("".join(_row(row, words, today, url) for row in page.rows))


# -- the filter fields ------------------------------------------------------------------------------------------


#: (field name, language) -> the escaped ``<option`` start tag and ``>label</option>`` of each choice, with its
#: value: the filter form's choices are fixed lists of labels, so once per language per process.
_OPTIONS: dict[tuple[str, str | None], tuple[tuple[str, str, str], ...]] = {}


def _select(name: str, attrs: str, field: forms.ChoiceField, value: str) -> str:
    key = (name, get_language())
    options = _OPTIONS.get(key)
    if options is None:
        choices = cast("list[tuple[object, object]]", field.choices)  # flat (value, label) pairs, no groups
        options = _OPTIONS[key] = tuple(
            (str(v), f'<option value="{escape(str(v))}"', f">{escape(str(label))}</option>") for v, label in choices
        )
    body = "".join(f"\n  {start}{' selected' if v == value else ''}{end}" for v, start, end in options)
    return f'<select name="{escape(name)}"{attrs}>{body}\n</select>'


def _input(name: str, attrs: str, widget: forms.Widget, value: object) -> str:
    kind = getattr(widget, "input_type", "text")
    shown = "" if value in (None, "") else f' value="{escape(str(widget.format_value(value)))}"'
    return f'<input type="{escape(kind)}" name="{escape(name)}"{shown}{attrs}>'


#: language -> the fields of the unbound filter form (nothing chosen).
_BLANK: dict[str | None, SafeString] = {}


def filter_fields_html(form: CaseFilterForm | None) -> SafeString:
    """Each field of the work list's filter form as ``<div class="field"><label>…</label><widget></div>``: the
    attributes and the values the user sent (bound form) that Django's widgets would write, without their
    templates. Selects must have fixed choices (their options are kept per language). ``None``: the fields with
    nothing chosen (once per language)."""
    if form is None:
        language = get_language()
        blank = _BLANK.get(language)
        if blank is None:
            blank = _BLANK[language] = _fields_html(CaseFilterForm())
        return blank
    return _fields_html(form)


def _fields_html(form: forms.Form) -> SafeString:
    out = []
    for bound in form:
        field, widget, name = bound.field, bound.field.widget, bound.html_name
        attrs = "".join(
            f" {escape(k)}" if v is True else f' {escape(k)}="{escape(str(v))}"'
            for k, v in bound.build_widget_attrs(widget.attrs).items()
            if v is not False and v is not None
        )
        attrs += f' id="{escape(bound.auto_id)}"'
        raw = bound.value()
        if isinstance(field, forms.ChoiceField) and isinstance(widget, forms.Select):
            control = _select(name, attrs, field, "" if raw is None else str(raw))
        else:
            control = _input(name, attrs, widget, raw)
        out.append(
            f'<div class="field"><label for="{escape(bound.id_for_label)}">{escape(str(bound.label))}</label>'
            f"{control}</div>"
        )
    return _safe("\n  ".join(out))
