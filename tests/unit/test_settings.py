"""Settings fail loudly with a hint, and are safe by default."""

import os
import subprocess
import sys

import pytest


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG", "FOOTPRINT_TASKS"}
    }
    clean.update(env)
    code = (
        "import footprint.config.settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )


def test_production_needs_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set. Hint:" in result.stderr


def test_debug_is_off_unless_asked_for_and_cookies_are_secure():
    result = load_settings(DJANGO_SECRET_KEY="s" * 50)
    assert result.stdout.split() == ["False", "True", "Argon2PasswordHasher"]


@pytest.mark.parametrize(
    ("name", "value", "hint"),
    [
        ("DJANGO_DEBUG", "maybe", "is not true or false"),
        ("FOOTPRINT_TASKS", "celery", "use 'immediate' or 'database'"),
    ],
)
def test_bad_values_are_refused_with_a_hint(name, value, hint):
    result = load_settings(DJANGO_SECRET_KEY="s" * 50, **{name: value})
    assert result.returncode != 0 and hint in result.stderr


# Production: what an operator sets (docs/operating.md), in a clean environment.
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k7Qx2LmZp9WvT4rYc8NbHs3JdF6gUe1AiOo5KyXwVtRqPnMlBjEhGfDcSaZ0",
    "DJANGO_ALLOWED_HOSTS": "footprint.example.nhs.uk",
    "FOOTPRINT_SITE_URL": "https://footprint.example.nhs.uk",
    "DJANGO_EMAIL_HOST": "smtp.example.nhs.uk",
}
SET_HERE = {
    "DJANGO_DEBUG",
    "DJANGO_EMAIL_BACKEND",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_PROXY_SSL_HEADER",
    "FOOTPRINT_TASKS",
    # Set by the browser tests for Playwright's sync API beside the live server (never in
    # production), so it must not leak into a check of production settings.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    *PRODUCTION,
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SET_HERE}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        FOOTPRINT_VAR_DIR=str(tmp_path),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_with_the_console_email_backend(tmp_path):
    result = manage(
        "check",
        FOOTPRINT_VAR_DIR=str(tmp_path),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        **PRODUCTION,
    )
    assert result.returncode != 0
    assert "writes every email, personal links included, to the console" in result.stderr


def test_production_refuses_to_start_without_the_site_address(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "FOOTPRINT_SITE_URL"}
    check = manage("check", FOOTPRINT_VAR_DIR=str(tmp_path), **env)
    assert check.returncode != 0 and "footprint.E002" in check.stderr
    clean = {k: v for k, v in os.environ.items() if k not in SET_HERE}
    serve = subprocess.run(
        [sys.executable, "-c", "import footprint.config.wsgi"],
        env={**clean, "FOOTPRINT_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert serve.returncode != 0
    assert "Footprint will not start: footprint.E002: FOOTPRINT_SITE_URL is not set" in serve.stderr
    laptop = manage("check", FOOTPRINT_VAR_DIR=str(tmp_path), DJANGO_DEBUG="true")
    assert laptop.returncode == 0, laptop.stderr


def test_production_settings_redirect_to_https_and_ask_for_hsts():
    code = (
        "import footprint.config.settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER, "
        "s.EMAIL_BACKEND)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in SET_HERE}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split(None, 3)[:3] == ["True", "31536000", "True"]
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout
    assert result.stdout.strip().endswith("django.core.mail.backends.smtp.EmailBackend")


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_and_https_gets_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/", headers={"host": "localhost"})
    assert plain.status_code == 301 and plain["Location"] == "https://localhost/"
    behind_proxy = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.django_db
def test_personal_links_never_reach_the_log(client):
    """Django logs every 404 with its path; a message or invitation link's key is redacted."""
    import io
    import logging

    handler = next(
        h for h in logging.getLogger("django").handlers if isinstance(h, logging.StreamHandler)
    )
    out = io.StringIO()
    old = handler.setStream(out)
    try:
        client.get("/m/Zm9vLXNlY3JldC1rZXk/")
        client.get("/m/Zm9vLXNlY3JldC1rZXk/fresh/")
        logging.getLogger("footprint").warning("Sent https://x.example/invitation/tok-123456/")
    finally:
        handler.setStream(old)
    logged = out.getvalue()
    assert "Not Found: /m/[personal link]/" in logged
    assert "Zm9vLXNlY3JldC1rZXk" not in logged and "tok-123456" not in logged
    assert "/invitation/[personal link]/" in logged


def test_the_site_address_check_and_the_refusal_to_start(settings):
    from django.core.exceptions import ImproperlyConfigured

    from footprint.core.checks import refuse_to_start_if_misconfigured, site_url_required

    settings.DEBUG, settings.FOOTPRINT_SITE_URL_SET = False, False
    assert [e.id for e in site_url_required()] == ["footprint.E002"]
    with pytest.raises(ImproperlyConfigured, match=r"Footprint will not start: footprint\.E002"):
        refuse_to_start_if_misconfigured()
    settings.FOOTPRINT_SITE_URL_SET = True
    assert site_url_required() == []
    settings.DEBUG, settings.FOOTPRINT_SITE_URL_SET = True, False  # a laptop needs none
    assert site_url_required() == []
