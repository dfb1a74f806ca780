"""XSS: every free-text field the web application stores, and report text it parses, holds ``<script>`` and
``"><img onerror>`` vectors (see :mod:`tests.security.world`); every page shows them escaped, never as markup.

Also: the only places that mark HTML safe are listed and justified (:data:`SAFE_MARKUP`), and the standalone
explain page of a parsed report escapes what the report says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.security.test_authz_matrix import body_of, requests
from tests.security.world import RAW_VECTORS, XSS_ATTR, XSS_SCRIPT, World, build_world, hostile_report
from xxgk.ingest import parse_bytes
from xxgk.ingest.explain_html import explain_html
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "xxgk"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&lt;img src=x onerror=alert(1)&gt;"
#: The people who see 八桥镇's objects (its staff, the district's administrator and viewer) and the public.
VIEWERS = ["bq_clerk", "bq_reviewer", "bq_head", "bq_admin", "qu_admin", "qu_viewer", None]


@pytest.fixture
def world(org: dict[str, Body], users: dict[str, User]) -> World:
    return build_world(org, users)


def raw_vectors(html: str) -> list[str]:
    return [v for v in RAW_VECTORS if v in html]


def test_no_page_shows_the_vectors_unescaped(world: World) -> None:
    shown: dict[str, set[str]] = {}
    for viewer in VIEWERS:
        client = Client(raise_request_exception=False)
        if viewer is not None:
            client.force_login(world.users[viewer])
        for name, method, url, _about in requests(world):
            if method != "get":
                continue
            response = client.get(url)
            assert response.status_code < 500, f"{viewer}: GET {url} ({name})"
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            html = body_of(response).decode("utf-8", errors="replace")
            assert not raw_vectors(html), f"{viewer}: GET {url} ({name}) shows {raw_vectors(html)} unescaped"
            if ESCAPED_SCRIPT in html or ESCAPED_IMG in html:  # a file name keeps only the part after the "/"
                shown.setdefault(name, set()).add(viewer or "anonymous")
    # the vectors did reach the pages (escaped): a page that dropped them would prove nothing
    expected = {
        "cases:detail", "cases:list", "cases:edit", "proactive:detail", "proactive:list", "public:item",
        "public:guide", "registers:document", "litigation:detail", "portal:submission", "portal:inbox",
        "jobs:detail", "oversight:external", "api_tokens:list", "workcalendar:year", "reports:report",
        "reports:narrative", "reports:overrides", "litigation:list", "registers:documents", "letters:template",
    }  # fmt: skip
    assert expected <= set(shown), f"pages that never showed the escaped vector: {sorted(expected - set(shown))}"


def test_json_and_downloads_are_not_html(world: World) -> None:
    """Data answered as JSON, CSV or XLSX is never labelled ``text/html`` (a browser would run the vectors)."""
    client = Client()
    client.force_login(world.users["bq_clerk"])
    b = world.org["baqiao"].pk
    for url in ("/cases/export.csv", "/cases/export.xlsx", f"/reports/{b}/2026/computed.json",
                f"/jobs/{world.ids['job']}/progress.json"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response["Content-Type"].startswith("text/html"), url
        assert response.get("X-Content-Type-Options") == "nosniff", url


def test_the_explain_page_escapes_the_report(world: World) -> None:
    """The standalone explain page shows the report's title, narrative-bearing lines and raw cell text escaped;
    its own inline script may carry a CSP nonce."""
    result = parse_bytes(hostile_report(), source=f"{XSS_ATTR}.txt")
    page = explain_html(result, hostile_report(), nonce="n0nce")
    assert re.findall(r"<script[^>]*>", page) == ['<script nonce="n0nce">']  # only the page's own script
    assert '<style nonce="n0nce">' in page
    assert "<img src=x onerror" not in page and "alert(1)</script>" not in page
    assert ESCAPED_IMG in page and ESCAPED_SCRIPT in page


#: Every place that marks markup safe, and why it is safe (the test fails on a new one until it is listed here).
SAFE_MARKUP = {
    "web/proactive/markup.py": "render_text escapes every line before adding its own <p>/<ul>/<h3> (tested here "
    "through the disclosure guide and the item content on the public site)",
    "web/proactive/templatetags/proactive_markup.py": "the |markup filter returns render_text's result",
    "web/oversight/display.py": "the SVG charts escape every label and number they write (xxgk.web.oversight."
    "charts.esc); their labels are the template's own, not user input",
    "web/cases/worklist.py": "the work list's rows and filter fields are joined from html.escape'd values and labels "
    "(tested here through the applicant name on cases:list, and in tests/web/cases/test_worklist.py)",
}
_SAFE_RE = re.compile(r"mark_safe\(|SafeString\(|format_html\(|\|safe\b|\|safeseq\b|{%\s*autoescape\s+off")


def test_every_safe_marking_is_justified() -> None:
    found: set[str] = set()
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".py", ".html") or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(("ingest/", "render/")):
            continue  # standalone documents built with html.escape, not Django templates (tested separately)
        text = path.read_text(encoding="utf-8", errors="replace")
        if _SAFE_RE.search(text) or ("SafeString" in text and rel.endswith(".py")):
            found.add(rel)
    unjustified = sorted(found - set(SAFE_MARKUP))
    assert not unjustified, f"mark_safe/|safe/format_html used without a justification in SAFE_MARKUP: {unjustified}"


def test_public_markup_escapes_the_guide_and_item_text(world: World) -> None:
    """The one renderer that produces markup from user text (the guide's 'Markdown-lite') escapes it."""
    from xxgk.web.proactive.markup import render_text

    html = str(render_text(f"## {XSS_SCRIPT}\n- {XSS_ATTR}\n\n{XSS_SCRIPT}"))
    assert not raw_vectors(html)
    assert html.startswith("<h3>") and "<ul><li>" in html
