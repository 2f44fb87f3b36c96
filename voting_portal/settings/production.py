"""Production settings: every secret comes from the environment, with no default.

Several stateless app servers share PostgreSQL (DATABASE_URL) and Redis (CACHE_URL).
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# These settings are the default of manage.py and wsgi.py: without their secrets they
# refuse to start, naming every missing variable (and how to run the development ones).
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
REQUIRED_VARIABLES = (
    "SECRET_KEY",
    "FERNET_KEYS",
    "RECOVERY_HMAC_KEY",
    "RECEIPT_SIGNING_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "EMAIL_HOST",
)
_missing = [name for name in REQUIRED_VARIABLES if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Réglages de production (voting_portal.settings.production, le choix par défaut sans "
        f"DJANGO_SETTINGS_MODULE) : variable(s) d'environnement manquante(s) : {', '.join(_missing)}. "
        "Pour la démonstration ou le développement sur un poste, choisissez explicitement "
        "DJANGO_SETTINGS_MODULE=voting_portal.settings.local (ou make demo)."
    )

from .base import *  # noqa: E402, F403
from .base import DATABASES, env  # noqa: E402

DEBUG = False
# Only an election keyed by its key holders opens in production (DESIGN.md §5).
ISOLOIR_SIMULATED_KEYS_ALLOWED = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("La production exige PostgreSQL (DATABASE_URL=postgres://…).")
CACHES = {"default": env.cache("CACHE_URL")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-isoloir-session"
CSRF_COOKIE_NAME = "__Host-isoloir-csrf"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
EMAIL_HOST = env.str("EMAIL_HOST")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
