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
