"""Security settings: check --deploy clean in production, CSP without inline code, headers."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "DATABASE_", "SECRET_", "FERNET_", "RECOVERY_", "RECEIPT_", "ISOLOIR_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="voting_portal.settings.production",
        SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        FERNET_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        RECOVERY_HMAC_KEY=base64.b64encode(os.urandom(32)).decode(),
        RECEIPT_SIGNING_KEY=os.urandom(32).hex(),
        ALLOWED_HOSTS="vote.example.gouv.fr",
        DATABASE_URL="postgres://isoloir@127.0.0.1:5432/isoloir",
        CACHE_URL="redis://127.0.0.1:6379/0",
        EMAIL_HOST="smtp.example.gouv.fr",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "FERNET_KEYS", "RECOVERY_HMAC_KEY", "RECEIPT_SIGNING_KEY", "ALLOWED_HOSTS"]
)
def test_production_refuses_to_start_without_a_secret(missing):
    result = manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite():
    result = manage("check", env=production_env(DATABASE_URL="sqlite:///tmp/x.sqlite3"))
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


@pytest.mark.django_db
def test_every_page_has_a_csp_without_inline_code_and_security_headers(client, election):
    response = client.get(f"/connexion/{election.slug}/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


@pytest.mark.django_db
def test_session_cookie_is_http_only_and_same_site(voter_client):
    cookie = voter_client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_templates_have_no_inline_script_or_style():
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        text = path.read_text()
        if "<script>" in text or " style=" in text or "<style" in text:
            offenders.append(str(path))
    for path in (ROOT / "templates").glob("**/*.html"):
        text = path.read_text()
        if "<script>" in text or " style=" in text or "<style" in text:
            offenders.append(str(path))
    assert offenders == []
