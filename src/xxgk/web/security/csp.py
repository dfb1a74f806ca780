"""Content-Security-Policy: a strict policy on every response, with a nonce per request and the hashes of the
inline snippets written in the project's own templates.

The policy allows scripts and styles only from the site itself (``'self'``), from an element carrying this
request's nonce (``<script nonce="{{ request.csp_nonce }}">``), or — should a template ever carry a fixed inline
event handler or ``style`` attribute (``onclick="window.print()"``) — whose exact text is one of the hashes
collected from the template files at start-up (``'unsafe-hashes'``). Text that a user typed can never match a hash
computed from the template files, and it never carries the nonce, so even markup that slipped through escaping
would not run. Objects, ``<base>``, framing and foreign form targets are refused.

The page templates carry no inline code at present (so the policy lists no hashes): behaviours are bound by
``xxgk/security/behaviours.js`` (``data-confirm``, ``data-print``, ``data-select-on-click``) and styles live in
``xxgk/app.css``. E-mail templates are not pages and are not scanned.

Settings (read when used, defaults as in settings.py): ``XXGK_CSP`` (default on) and ``XXGK_CSP_REPORT_ONLY``
(send the policy as ``Content-Security-Policy-Report-Only``: for trying a stricter policy on a live site).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.template import engines
from django.template.backends.django import DjangoTemplates

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"

_EVENT_ATTR_RE = re.compile(r"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_STYLE_ATTR_RE = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
#: An inline script: no ``src``, not a JSON data block (those are never executed).
_SCRIPT_RE = re.compile(
    r"<script(?![^>]*\ssrc\s*=)(?![^>]*\stype\s*=\s*[\"']application/(?:ld\+)?json)[^>]*>(.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)
_STYLE_RE = re.compile(r"<style[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
_TEMPLATE_SYNTAX = ("{{", "{%", "{#")
_EMAIL_DIR_RE = re.compile(r"(?:^|/)e-?mails?/", re.IGNORECASE)


def source_hash(text: str) -> str:
    """The CSP source expression of an inline snippet: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def template_dirs() -> list[Path]:
    """Every directory the Django template engines load templates from (project and app directories)."""
    dirs: list[Path] = []
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            dirs.extend(Path(d) for d in engine.template_dirs)
    return dirs


def inline_snippets(texts: Iterable[str]) -> tuple[set[str], set[str]]:
    """Static inline snippets of template sources: ``(scripts, styles)``. Event-handler attributes and
    ``<script>`` bodies are scripts; ``style`` attributes and ``<style>`` bodies are styles. Snippets containing
    template syntax vary per request and are left out (they need the nonce)."""
    scripts: set[str] = set()
    styles: set[str] = set()
    for text in texts:
        for pattern, out, unescape in (
            (_EVENT_ATTR_RE, scripts, True),
            (_STYLE_ATTR_RE, styles, True),
            (_SCRIPT_RE, scripts, False),
            (_STYLE_RE, styles, False),
        ):
            for match in pattern.finditer(text):
                snippet = next((g for g in match.groups() if g is not None), "")
                if not snippet.strip() or any(s in snippet for s in _TEMPLATE_SYNTAX):
                    continue
                out.add(html.unescape(snippet) if unescape else snippet)
    return scripts, styles


def is_email_template(name: str) -> bool:
    """Templates in an ``email/`` directory are e-mail bodies, never served as pages: no policy applies to them
    (and e-mail clients ignore stylesheets, so their inline styles stay)."""
    return _EMAIL_DIR_RE.search(name) is not None


def template_sources() -> dict[str, str]:
    """Every ``.html`` page template's text, by template name (the first directory providing a name wins, as for
    Django's loaders); e-mail templates (:func:`is_email_template`) are left out."""
    out: dict[str, str] = {}
    for directory in template_dirs():
        if directory.is_dir():
            for path in sorted(directory.rglob("*.html")):
                name = path.relative_to(directory).as_posix()
                if not is_email_template(name):
                    out.setdefault(name, path.read_text(encoding="utf-8", errors="replace"))
    return out


def dynamic_inline_code(texts: dict[str, str]) -> list[tuple[str, str]]:
    """Inline code the policy will block: event handlers and ``style`` attributes containing template syntax (their
    text varies, so no hash can allow them), and inline ``<script>`` blocks with template syntax but no nonce.
    ``(template, snippet)`` pairs. Move such code into a static file (see ``xxgk/security/behaviours.js``)."""
    found: list[tuple[str, str]] = []
    for name, text in texts.items():
        for pattern in (_EVENT_ATTR_RE, _STYLE_ATTR_RE):
            for match in pattern.finditer(text):
                snippet = next((g for g in match.groups() if g is not None), "")
                if any(s in snippet for s in _TEMPLATE_SYNTAX):
                    found.append((name, match.group(0).strip()))
        for match in _SCRIPT_RE.finditer(text):
            opening = text[match.start() : text.index(">", match.start()) + 1]
            if any(s in match.group(1) for s in _TEMPLATE_SYNTAX) and "nonce=" not in opening:
                found.append((name, opening))
    return found


@lru_cache(maxsize=1)
def template_hashes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Hashes of the static inline snippets of every ``.html`` template: ``(script hashes, style hashes)``."""
    scripts, styles = inline_snippets(template_sources().values())
    return tuple(sorted(source_hash(s) for s in scripts)), tuple(sorted(source_hash(s) for s in styles))


@lru_cache(maxsize=4)
def _policy_parts(script_hashes: tuple[str, ...], style_hashes: tuple[str, ...]) -> tuple[str, str, str]:
    """The policy around the two places the nonce goes (the same for every response while the hashes are)."""
    marker = "\x00nonce\x00"
    script = ["'self'", f"'nonce-{marker}'"]
    if script_hashes:
        script += ["'unsafe-hashes'", *script_hashes]
    style = ["'self'", f"'nonce-{marker}'"]
    if style_hashes:
        style += ["'unsafe-hashes'", *style_hashes]
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(script),
        "style-src " + " ".join(style),
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    head, middle, tail = "; ".join(directives).split(marker)
    return head, middle, tail


def policy(nonce: str) -> str:
    """The policy for one response."""
    head, middle, tail = _policy_parts(*template_hashes())
    return f"{head}{nonce}{middle}{nonce}{tail}"


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


class ContentSecurityPolicyMiddleware:
    """Sets ``request.csp_nonce`` and adds the policy header to every response that has none yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = new_nonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if not getattr(settings, "XXGK_CSP", True):
            return response
        header = REPORT_ONLY_HEADER if getattr(settings, "XXGK_CSP_REPORT_ONLY", False) else HEADER
        if HEADER not in response and REPORT_ONLY_HEADER not in response:
            response[header] = policy(nonce)
        return response
