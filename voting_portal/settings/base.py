"""Settings shared by every environment.

Values come from the environment through django-environ. Secrets have no default
here; ``local`` and ``test`` give development values, ``production`` requires them.
"""

import shutil
from pathlib import Path

import dsfr
import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "captcha",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "elections",
    "ballots",
    "receipts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view: a NUL in the path, the query or the form is a 400, never a 500.
    "voting_portal.middleware.RefuseNulMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "voting_portal.urls"
WSGI_APPLICATION = "voting_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "elections.context_processors.portal",
            ],
        },
    },
]
FORM_RENDERER = "voting_portal.forms.DsfrFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections; health checks drop a connection the server closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and task worker share the file: readers never wait for the
    # writer (WAL), and a writer waits its turn instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: it refuses a locked-out attempt before any work.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.VoterBackend",
    "accounts.backends.IdentifierBackend",
    "accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.IsoloirArgon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "elections:index"
LOGIN_REDIRECT_URL = "elections:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
# The DSFR assets come from the django-dsfr package, served from the project.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("dsfr", Path(dsfr.__file__).parent / "static" / "dsfr"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Files no web route ever serves: uploaded imports (encrypted) and generated letters.
# In production, a volume shared by the app servers and the task workers.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Candidate documents are small PDFs and logos; larger uploads are refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://isoloir")}

# Sessions: a voter who leaves the browser idle is logged out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=20 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "elections.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Credentials at rest (DESIGN.md §4).
# Fernet keys for the security key, newest first (MultiFernet allows rotation).
FERNET_KEYS = env.list("FERNET_KEYS")
# HMAC-SHA-256 key for low-entropy one-way secrets (IBAN tail, card serial, NUMEN…).
RECOVERY_HMAC_KEY = env.str("RECOVERY_HMAC_KEY")

# Login throttling. django-axes locks an (account, address) pair; the account-wide
# delay and the per-address ceiling are ours (accounts/throttle.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.throttle.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Number of reverse proxies in front of the app servers (load balancer, nginx…) whose
# X-Forwarded-For entries are trusted; 0 means X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
LOGIN_ACCOUNT_DELAY_AFTER = env.int("LOGIN_ACCOUNT_DELAY_AFTER", default=10)
LOGIN_ACCOUNT_DELAY_MAX_SECONDS = env.int("LOGIN_ACCOUNT_DELAY_MAX_SECONDS", default=60)
LOGIN_ADDRESS_FAILURES_PER_HOUR = env.int("LOGIN_ADDRESS_FAILURES_PER_HOUR", default=1000)
# Self-service réassort (accounts/recovery.py), tighter: an (account, address) pair is
# refused for an hour after 5 failures; an account's failures from anywhere add a
# doubling delay after 5, up to 5 minutes; an address may try 200 times a day.
REASSORT_PAIR_FAILURES_PER_HOUR = env.int("REASSORT_PAIR_FAILURES_PER_HOUR", default=5)
REASSORT_ACCOUNT_DELAY_AFTER = env.int("REASSORT_ACCOUNT_DELAY_AFTER", default=5)
REASSORT_ACCOUNT_DELAY_MAX_SECONDS = env.int("REASSORT_ACCOUNT_DELAY_MAX_SECONDS", default=300)
REASSORT_ADDRESS_ATTEMPTS_PER_DAY = env.int("REASSORT_ADDRESS_ATTEMPTS_PER_DAY", default=200)
# Refused réassorts are counted in the cache and written to the audit trail at most once
# per window for each (kind, election or voter, address), with their count
# (accounts/throttle.py, reassort_refusal_record).
REASSORT_AUDIT_WINDOW_SECONDS = env.int("REASSORT_AUDIT_WINDOW_SECONDS", default=3600)
# What one voter may send (accounts/throttle.py, voter_limit_take): assistance requests
# and réclamations, each kind on its own, and e-mail address changes (a mail each).
VOTER_REQUESTS_PER_HOUR = env.int("VOTER_REQUESTS_PER_HOUR", default=5)
VOTER_REQUESTS_PER_DAY = env.int("VOTER_REQUESTS_PER_DAY", default=20)
VOTER_EMAIL_CHANGES_PER_HOUR = env.int("VOTER_EMAIL_CHANGES_PER_HOUR", default=3)
VOTER_EMAIL_CHANGES_PER_DAY = env.int("VOTER_EMAIL_CHANGES_PER_DAY", default=10)

# Voting (ballots/). The server's Ed25519 key that signs the preuves de dépôt: 32 bytes
# in hex (generate one with `python -c "import os; print(os.urandom(32).hex())"`).
RECEIPT_SIGNING_KEY = env.str("RECEIPT_SIGNING_KEY")
# A preuve de dépôt is downloadable from the accusé de réception for this long only.
DEPOSIT_PROOF_MAX_AGE_SECONDS = 15 * 60
# Seed 004: an e-mailed vote code lives 2 minutes and serves once; 5 wrong entries kill
# every live code of the voter.
VOTE_CODE_EMAIL_VALIDITY_SECONDS = 120
VOTE_CODE_MAX_FAILURES = 5
# Turnout pages merge groups of fewer registered voters than this (issue 6, item 5).
TURNOUT_MIN_GROUP = env.int("TURNOUT_MIN_GROUP", default=10)
# R. 211-563: a voter logged in before the closing time may finish within 30 minutes.
VOTE_CLOSING_GRACE_MINUTES = env.int("VOTE_CLOSING_GRACE_MINUTES", default=30)
# Each integrity check verifies every ballot: the next one waits this long after the last.
INTEGRITY_CHECK_INTERVAL_MINUTES = env.int("INTEGRITY_CHECK_INTERVAL_MINUTES", default=5)
# An election key simulated on the server (demo, tests) has been seen by whoever made
# it; only an election keyed by its key holders may open where this is False.
ISOLOIR_SIMULATED_KEYS_ALLOWED = env.bool("ISOLOIR_SIMULATED_KEYS_ALLOWED", default=False)
# Where load_demo keeps the demo election's key secrets (never in the database).
DEMO_KEYS_DIR = env.path("DEMO_KEYS_DIR", default=BASE_DIR / "var" / "demo-keys")

CAPTCHA_LENGTH = 5
CAPTCHA_IMAGE_SIZE = (160, 50)
CAPTCHA_FONT_SIZE = 32
CAPTCHA_CHALLENGE_FUNCT = "accounts.challenge.digits_challenge"
# The audio alternative reads the digits in French with espeak-ng (Debian package
# « espeak-ng »; accounts/captcha_voice.py, served at django-simple-captcha's audio URL).
# Without it the page offers no audio link. django-simple-captcha offers the link when
# CAPTCHA_FLITE_PATH is set: it is set to the same program, and its own (English, flite)
# view is never reached.
CAPTCHA_VOICE_PATH = env.str("CAPTCHA_VOICE_PATH", default="") or shutil.which("espeak-ng")
CAPTCHA_FLITE_PATH = CAPTCHA_VOICE_PATH

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ne-pas-repondre@isoloir.localhost")
EMAIL_CONFIRMATION_MAX_AGE = 48 * 3600
# Background jobs (imports, letters): django-tasks with its database backend; workers
# run ``manage.py db_worker`` (``make demo`` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The address printed on the credential letters.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")
VOTER_IMPORT_MAX_MEGABYTES = env.int("VOTER_IMPORT_MAX_MEGABYTES", default=200)
# Checked before a file is parsed (issue 12): lines after the header (CSV and XLSX), and
# the total size an XLSX archive's members would inflate to.
VOTER_IMPORT_MAX_ROWS = env.int("VOTER_IMPORT_MAX_ROWS", default=500_000)
VOTER_IMPORT_MAX_UNCOMPRESSED_MEGABYTES = env.int("VOTER_IMPORT_MAX_UNCOMPRESSED_MEGABYTES", default=600)
# Seed 004: the « mot de passe oublié » link (single use) lives an hour.
PASSWORD_RESET_TIMEOUT = 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
