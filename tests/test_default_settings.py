"""Without DJANGO_SETTINGS_MODULE, the entry points pick the production settings (fail closed).

A server started without the variable must never run with DEBUG and the public
development keys of ``voting_portal.settings.local``.
"""

import subprocess
import sys

from tests.test_security import ROOT, production_env


def clean_env(**overrides):
    """The environment of a fresh shell: no Django variable, no secret."""
    env = production_env(
        DJANGO_SETTINGS_MODULE=None,
        SECRET_KEY=None,
        FERNET_KEYS=None,
        RECOVERY_HMAC_KEY=None,
        RECEIPT_SIGNING_KEY=None,
        ALLOWED_HOSTS=None,
        DATABASE_URL=None,
        CACHE_URL=None,
        EMAIL_HOST=None,
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(*args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_manage_without_settings_variable_or_secrets_refuses_with_a_clear_message():
    result = run("manage.py", "check", env=clean_env())
    assert result.returncode != 0
    assert "voting_portal.settings.production" in result.stderr
    assert "SECRET_KEY" in result.stderr and "FERNET_KEYS" in result.stderr
    assert "DJANGO_SETTINGS_MODULE=voting_portal.settings.local" in result.stderr


def test_wsgi_without_settings_variable_loads_the_production_settings():
    code = (
        "import sys, voting_portal.wsgi; from django.conf import settings; "
        "print(settings.SETTINGS_MODULE, settings.DEBUG, 'voting_portal.settings.local' in sys.modules)"
    )
    result = run("-c", code, env=production_env(DJANGO_SETTINGS_MODULE=None))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["voting_portal.settings.production", "False", "False"]


def test_wsgi_without_settings_variable_or_secrets_does_not_start():
    code = "import sys\ntry:\n    import voting_portal.wsgi\nfinally:\n"
    code += "    print('local loaded:', 'voting_portal.settings.local' in sys.modules)"
    result = run("-c", code, env=clean_env())
    assert result.returncode != 0
    assert "local loaded: False" in result.stdout
    assert "SECRET_KEY" in result.stderr
