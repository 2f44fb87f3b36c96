"""Development and demo settings: SQLite, console e-mail, fixed development secrets.

The secrets below are public and only fit a machine nobody else uses.
"""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-for-isoloir-demo-0123456789")
os.environ.setdefault("FERNET_KEYS", "ZGV2LW9ubHktZmVybmV0LWtleS1mb3ItaXNvbG9pciE=")
os.environ.setdefault("RECOVERY_HMAC_KEY", "dev-only-recovery-hmac-key")
os.environ.setdefault(
    "RECEIPT_SIGNING_KEY", "6465762d6f6e6c792d726563656970742d7369676e696e672d6b65792d303031"
)
os.environ.setdefault("ISOLOIR_SIMULATED_KEYS_ALLOWED", "true")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: E402, F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
