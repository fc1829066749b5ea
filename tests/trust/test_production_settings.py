"""Production settings (issue 8 §5): deploy/production.env.example lists every variable,
`check --deploy` passes with it, HTTPS turns on secure cookies and HSTS, every page carries a
Content-Security-Policy without 'unsafe-inline', and no template needs inline code."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "production.env.example"


def _example_env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "HTTPS", "SECRET_KEY"}}
    for line in EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env.update(VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"), MEDIA_ROOT=str(tmp_path / "media"))
    env.update(overrides)
    return env


def _settings_in(env, *names):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                         capture_output=True, text=True, check=True)
    return __import__("json").loads(out.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_the_example_env(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_example_env(tmp_path), capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_https(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_example_env(tmp_path, HTTPS="0"), capture_output=True, text=True,
    )
    assert result.returncode != 0 and "security.W012" in result.stdout + result.stderr


def test_the_example_lists_every_variable_the_settings_read():
    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r"""(?:os\.environ\.get|os\.environ\[|env_bool|env_list)\(?\s*["']([A-Z_0-9]+)["']""", source))
    listed = set(re.findall(r"^#?\s*([A-Z_0-9]+)=", EXAMPLE.read_text(), re.MULTILINE))
    assert read - listed == set(), f"not in production.env.example: {sorted(read - listed)}"


def test_https_turns_on_secure_cookies_hsts_and_the_redirect(tmp_path):
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
             "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "DEBUG", "SESSION_COOKIE_HTTPONLY"]
    on = _settings_in(_example_env(tmp_path), *names)
    assert on["SESSION_COOKIE_SECURE"] and on["CSRF_COOKIE_SECURE"] and on["SECURE_SSL_REDIRECT"]
    assert on["SECURE_HSTS_SECONDS"] >= 31536000 and on["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["DEBUG"] is False and on["SESSION_COOKIE_HTTPONLY"]
    off = _settings_in(_example_env(tmp_path, HTTPS="0"), *names)
    assert not off["SESSION_COOKIE_SECURE"] and off["SECURE_HSTS_SECONDS"] == 0  # plain-http intranet test installs


@pytest.mark.django_db
def test_hsts_and_secure_cookie_headers_behind_the_proxy(client, settings, xiaohe):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/stations/", "/api/v1/stations/", "/api/docs/", "/admin/"])
def test_every_page_carries_a_strict_csp(web, bureau_admin, path):
    response = web(bureau_admin).get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


def test_the_csp_setting_never_allows_inline_code():
    directives = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for values in directives.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"(<style[\s>])|(\sstyle=)|(\son[a-z]+=\")", re.IGNORECASE)


def _our_templates():
    for base in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in base.parts or "node_modules" in base.parts:
            continue
        yield from base.rglob("*.html")


def test_no_template_needs_inline_script_style_or_handlers():
    offenders = []
    for template in _our_templates():
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(text):
                offenders.append(f"{template.relative_to(ROOT)}: {match.group(0).strip()}")
    assert offenders == [], "the CSP blocks these:\n" + "\n".join(offenders)
