"""``manage.py check --deploy`` is clean with the production environment (docs: docs/operations.md):

* ``XXGK_SECRET_KEY`` — 50 or more random characters (``python -c 'import secrets; print(secrets.token_urlsafe(60))'``);
* ``XXGK_HTTPS=1`` — served over HTTPS (secure cookies, HSTS, redirect of plain HTTP);
* ``XXGK_HSTS_PRELOAD=1`` — HSTS with ``preload`` (or accept Django's W021 for a site not meant for preloading);
* ``XXGK_ALLOWED_HOSTS`` — the site's host names; ``XXGK_DEBUG`` unset;
* behind nginx: ``XXGK_BEHIND_PROXY=1`` with ``XXGK_PORTAL_PROXY_COUNT=1`` (the client address for the throttles).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings

from xxgk.web.security.checks import CSP_MIDDLEWARE, SIZE_MIDDLEWARE
from xxgk.web.security.csp import dynamic_inline_code, template_sources

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "DATABASE_URL")}
    return {
        **keep,
        "XXGK_SECRET_KEY": secrets.token_urlsafe(60),
        "XXGK_HTTPS": "1",
        "XXGK_HSTS_PRELOAD": "1",
        "XXGK_ALLOWED_HOSTS": "xxgk.example.gov.cn",
        "XXGK_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
    }


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "extra",
    [{}, {"XXGK_BEHIND_PROXY": "1", "XXGK_PORTAL_PROXY_COUNT": "1"}],
    ids=["direct", "behind-nginx"],
)
def test_check_deploy_is_clean_in_production(tmp_path: Path, extra: dict[str, str]) -> None:
    result = deploy_check({**production_env(tmp_path), **extra})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_security_middleware_is_installed_where_it_belongs() -> None:
    """The size ceiling comes first (right after the request id, before anything reads the body); the policy right
    after SecurityMiddleware, so it covers every response, static files and error pages included."""
    middleware = list(settings.MIDDLEWARE)
    assert middleware[middleware.index("xxgk.web.ops.middleware.RequestIdMiddleware") + 1] == SIZE_MIDDLEWARE
    assert middleware[middleware.index("django.middleware.security.SecurityMiddleware") + 1] == CSP_MIDDLEWARE
    assert middleware.index(CSP_MIDDLEWARE) < middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert dynamic_inline_code(template_sources()) == []


def test_check_deploy_complains_without_the_production_settings(tmp_path: Path) -> None:
    """The check is not vacuous: a short key and plain HTTP are reported."""
    env = {**production_env(tmp_path), "XXGK_SECRET_KEY": "short", "XXGK_HTTPS": "0"}
    result = deploy_check(env)
    assert result.returncode != 0
    for issue in ("security.W009", "security.W012", "security.W016"):
        assert issue in result.stdout + result.stderr, issue


def test_the_security_app_checks() -> None:
    without = [m for m in settings.MIDDLEWARE if m not in (CSP_MIDDLEWARE, SIZE_MIDDLEWARE)]
    with override_settings(MIDDLEWARE=without):
        ids = {m.id for m in run_checks(include_deployment_checks=True)}
        assert {"xxgk.W951", "xxgk.W953"} <= ids
    with override_settings(MIDDLEWARE=[SIZE_MIDDLEWARE, *without, CSP_MIDDLEWARE]):
        ids = {m.id for m in run_checks(include_deployment_checks=True)}
        assert not {"xxgk.W951", "xxgk.W952", "xxgk.W953"} & ids  # and the login view is the throttled one


def test_behind_a_proxy_the_client_address_must_be_read_from_it() -> None:
    """Otherwise every sign-in counts against the proxy's own address: a few wrong passwords lock everyone out."""
    with override_settings(XXGK_BEHIND_PROXY=True, XXGK_PORTAL_PROXY_COUNT=0):
        assert "xxgk.W955" in {m.id for m in run_checks(include_deployment_checks=True)}
    for behind, count in ((True, 1), (False, 0)):
        with override_settings(XXGK_BEHIND_PROXY=behind, XXGK_PORTAL_PROXY_COUNT=count):
            assert "xxgk.W955" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_dynamic_inline_code_is_found() -> None:
    found = dynamic_inline_code(
        {
            "a.html": '<form onsubmit="return confirm(\'{{ text|escapejs }}\');"><p style="width: {{ w }}%">',
            "b.html": '<script>var x = {{ x }};</script><script nonce="{{ request.csp_nonce }}">var y = 1;</script>',
            "c.html": '<button onclick="window.print()"><script src="/static/x.js"></script>',
        }
    )
    assert [(name, snippet[:12]) for name, snippet in found] == [
        ("a.html", 'onsubmit="re'),
        ("a.html", 'style="width'),
        ("b.html", "<script>"),
    ]
