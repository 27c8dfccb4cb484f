"""Django settings for Lantern.

Everything an operator changes comes from the environment (see README, "Configuration"):
``LANTERN_DATA_DIR``, ``DATABASE_URL``, ``LANTERN_DEBUG``, ``LANTERN_ALLOWED_HOSTS``,
``LANTERN_PUBLIC_URL``, ``LANTERN_SECRET_KEY``, ``LANTERN_DATA_KEYS``, ``LANTERN_INDEX_KEY``,
``LANTERN_RULES_FILE``, ``LANTERN_HSDS_PUBLIC``.
"""

import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from lantern.core import languages
from lantern.datadir import data_dir, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = os.environ.get("LANTERN_DEBUG") == "1"
SECRET_KEY = read_or_create_secret("secret_key", "LANTERN_SECRET_KEY", nbytes=48)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LANTERN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
PUBLIC_URL = os.environ.get("LANTERN_PUBLIC_URL", "").rstrip("/")
if PUBLIC_URL:
    CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]
HTTPS = PUBLIC_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60  # one shift (staff sessions: see "Sessions" below)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Nothing a visitor's browser keeps outlives it: the CSRF cookie too ends with the browser
# (Django's default keeps it a year), and no page is stored (lantern.core.nostore).
CSRF_COOKIE_AGE = None
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts and
# CSRF protection rightly refuses them. Nothing leaks to other sites either way.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Every plain-http request is redirected, and browsers are told to use https only, for this
    # host and its subdomains, for LANTERN_HSTS_SECONDS (a year). "preload" lets the hotline's
    # domain go on the browsers' built-in list, so even a victim's first visit is never in clear.
    SECURE_SSL_REDIRECT = True
    # load balancers probe these over plain http inside the private network
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^livez/?$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("LANTERN_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("LANTERN_HSTS_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("LANTERN_HSTS_PRELOAD", "1") == "1"

# Content-Security-Policy on every response (django-csp): pages load scripts, styles, images,
# fonts and sockets from this origin only; no inline script or style, no eval, no frames, no
# plugins, forms post only here. Kept on without https too, so the browser tests catch a page
# that breaks it.
_SOCKET_ORIGIN = (
    [PUBLIC_URL.replace("https://", "wss://", 1).replace("http://", "ws://", 1)]
    if PUBLIC_URL
    else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *_SOCKET_ORIGIN],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    # django-ninja's own static files: the API docs page then needs no CDN (no network at run time)
    "ninja",
    # no models: an app so that its locale/ (state names, shared vocabularies) is found
    "lantern.core",
    "lantern.privacy",
    "lantern.outbox",
    "lantern.audit",
    "lantern.accounts",
    "lantern.contacts",
    "lantern.directory",
    "lantern.cases",
    "lantern.routing",
    "lantern.protocols",
    "lantern.assistance",
    "lantern.library",
    "lantern.stats",
    "lantern.training",
    "lantern.assessment",
    "lantern.intake",
    "lantern.public",
    "lantern.console",
    "lantern.api",
    "lantern.demo",
    "lantern.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "lantern.core.nostore.NoStoreMiddleware",
    "lantern.console.middleware.RequestLogMiddleware",
    "lantern.operations.metrics.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, reading the visitor's choice from the session first
    "lantern.core.locale.SessionLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # every view needs a signed-in user unless marked login_not_required (see lantern/urls.py)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # the console speaks the signed-in user's language (their profile), one of the console's
    "lantern.console.middleware.ConsoleLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lantern.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lantern.urls"
ASGI_APPLICATION = "lantern.asgi.application"
# Live chat's channel layer: in memory (one server process, the default), or Redis for several
# processes or servers (LANTERN_REDIS_URL; needs the channels-redis package).
if os.environ.get("LANTERN_REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["LANTERN_REDIS_URL"]]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
WSGI_APPLICATION = "lantern.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lantern.console.context_processors.console",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_SYNCHRONOUS = os.environ.get("LANTERN_SQLITE_SYNCHRONOUS", "FULL").upper()
if SQLITE_SYNCHRONOUS not in ("FULL", "NORMAL", "EXTRA"):
    raise ValueError("LANTERN_SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL")
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "lantern.core.sqlite",
            "NAME": DATA_DIR / "lantern.sqlite3",
            # Keep each server thread's connection: opening one (and its PRAGMAs) per request
            # was most of a webhook's time (bench/intake.py).
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two writers
                # queue on busy_timeout instead of failing half-way ("database is locked").
                "transaction_mode": "IMMEDIATE",
                # SQLite's own wait, for writers outside Lantern's queue (lantern.core.sqlite)
                "timeout": float(os.environ.get("LANTERN_SQLITE_LOCK_WAIT", "10")),
                # FULL: a commit is on disk before a webhook is acknowledged, even if the machine
                # loses power (NORMAL may lose the last commits then; bench/intake.py --sync)
                "init_command": (
                    "PRAGMA journal_mode=WAL; "
                    f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}; PRAGMA foreign_keys=ON; "
                    # freed pages are overwritten, so shredded ciphertext does not linger
                    "PRAGMA secure_delete=ON;"
                ),
            },
            "TEST": {"NAME": str(DATA_DIR / "test-lantern.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn's estimate (keyboard walks, dictionary words, dates, repeats), the hotline's own
    # name, and the user's last passwords
    {"NAME": "lantern.accounts.passwords.StrengthValidator"},
    {"NAME": "lantern.accounts.passwords.HotlineNameValidator"},
    {"NAME": "lantern.accounts.passwords.HistoryValidator"},
]
AUTHENTICATION_BACKENDS = ["lantern.accounts.backends.ThrottledModelBackend"]
# The hotline's name as its staff would say it: no password may contain it (nor the public
# site's host name).
LANTERN_HOTLINE_NAME = os.environ.get("LANTERN_HOTLINE_NAME", "Lantern")
LANTERN_PASSWORD_MIN_SCORE = int(os.environ.get("LANTERN_PASSWORD_MIN_SCORE", "3"))  # zxcvbn 0-4
LANTERN_PASSWORD_HISTORY = int(os.environ.get("LANTERN_PASSWORD_HISTORY", "5"))
# Failed sign-ins for one user name before each further attempt waits (1 s, 2 s, 4 s ... up to
# LANTERN_LOGIN_MAX_WAIT seconds). The right password with a second-factor code never waits.
LANTERN_LOGIN_FREE_FAILURES = int(os.environ.get("LANTERN_LOGIN_FREE_FAILURES", "5"))
LANTERN_LOGIN_MAX_WAIT = int(os.environ.get("LANTERN_LOGIN_MAX_WAIT", "300"))
# Second factor (TOTP app, security key or passkey, recovery codes) for every staff account;
# on by default once the public URL is https.
LANTERN_REQUIRE_2FA = os.environ.get("LANTERN_REQUIRE_2FA", "1" if HTTPS else "0") == "1"
OTP_TOTP_ISSUER = LANTERN_HOTLINE_NAME
OTP_WEBAUTHN_RP_NAME = LANTERN_HOTLINE_NAME
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a key is the second factor, after the password
OTP_WEBAUTHN_RP_ID_CALLABLE = "lantern.accounts.twofactor.relying_party_id"
# The origin browsers sign security-key challenges for. Security keys need https, or
# http://localhost in development (never an IP address such as 127.0.0.1).
OTP_WEBAUTHN_ALLOWED_ORIGINS = (
    [PUBLIC_URL] if HTTPS else [f"http://localhost:{urlsplit(PUBLIC_URL).port or 8000}"]
)
# Sessions: signed out after LANTERN_SESSION_IDLE_MINUTES without a click or a keypress (the
# console's own background refreshes do not count), and after LANTERN_SESSION_MAX_HOURS in any
# case. The cookie itself ends when the browser closes.
LANTERN_SESSION_IDLE_MINUTES = int(os.environ.get("LANTERN_SESSION_IDLE_MINUTES", "30"))
LANTERN_SESSION_MAX_HOURS = int(os.environ.get("LANTERN_SESSION_MAX_HOURS", "12"))
# One cache for every process and server: the proof of work's counters and once-only
# challenges, and the agency-link refusal limiter, must be shared, or an attacker who spreads
# requests over `--workers N` processes (or servers) gets N times the budget. The database is the
# one thing they all share (table made by core's migration 0001).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lantern_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
    }
}
SESSION_ENGINE = "lantern.accounts.session_store"
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"
# days after a referral is given before its follow-up ("did you reach them?") falls due
LANTERN_REFERRAL_FOLLOW_UP_DAYS = int(os.environ.get("LANTERN_REFERRAL_FOLLOW_UP_DAYS", "3"))
# The HSDS API (/hsds/) without signing in; confidential locations are never shown either way.
LANTERN_HSDS_PUBLIC = os.environ.get("LANTERN_HSDS_PUBLIC", "") in ("1", "true", "yes", "on")
# The public referral directory at /directory/ (public/directory.py); off unless turned on.
LANTERN_PUBLIC_DIRECTORY = os.environ.get("LANTERN_PUBLIC_DIRECTORY", "") in (
    "1", "true", "yes", "on",
)  # fmt: skip
# An empty public search suggests filters to drop, at the cost of up to six more counts: at most
# this many searches a second (all visitors, all servers) get suggestions.
LANTERN_PUBLIC_SUGGESTIONS_PER_SECOND = int(
    os.environ.get("LANTERN_PUBLIC_SUGGESTIONS_PER_SECOND", "5")
)
# --- Intake (channels) ----------------------------------------------------------------------
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
# Only for tests and staging: a server speaking Twilio's REST API instead of api.twilio.com.
TWILIO_API_URL = os.environ.get("TWILIO_API_URL", "")
# Calls: the browser softphone's access tokens (an API key and the TwiML app whose voice URL is
# /intake/twilio/voice/client), interpreter lines, recording (off unless asked; never a crisis)
TWILIO_API_KEY = os.environ.get("TWILIO_API_KEY", "")
TWILIO_API_SECRET = os.environ.get("TWILIO_API_SECRET", "")
TWILIO_TWIML_APP_SID = os.environ.get("TWILIO_TWIML_APP_SID", "")
INTERPRETER_LINES = os.environ.get("LANTERN_INTERPRETER_LINES", "")
RECORD_CALLS = os.environ.get("LANTERN_RECORD_CALLS", "") == "1"
LANTERN_INTAKE_MESSAGES_FILE = os.environ.get("LANTERN_INTAKE_MESSAGES_FILE", "")
# Email: the hotline's addresses (what the SMTP receiver accepts mail for), the largest message
# it takes, and Django's outgoing mail settings for replies.
LANTERN_EMAIL_ADDRESSES = [
    a.strip().lower() for a in os.environ.get("LANTERN_EMAIL_ADDRESSES", "").split(",") if a.strip()
]
LANTERN_EMAIL_MAX_BYTES = int(os.environ.get("LANTERN_EMAIL_MAX_BYTES", str(10 * 1024 * 1024)))
# The IMAP poller (lantern intake_imap): a hosted mailbox, and which hotline address it is.
LANTERN_IMAP_URL = os.environ.get("LANTERN_IMAP_URL", "")
LANTERN_IMAP_ADDRESS = os.environ.get("LANTERN_IMAP_ADDRESS", "").strip().lower()
LANTERN_IMAP_INTERVAL = int(os.environ.get("LANTERN_IMAP_INTERVAL", "60"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") in ("1", "true", "yes")
EMAIL_TIMEOUT = 10  # a hanging mail server holds a worker 10 s at most, then retries
# The sender of agency links emailed by staff (cases.reports.link_email); by default the
# hotline's first email address. Empty (and no hotline address): links are not emailed.
LANTERN_AGENCY_EMAIL_FROM = os.environ.get("LANTERN_AGENCY_EMAIL_FROM", "").strip()
# Proof of work (lantern.core.pow): leading zero bits of SHA-256 a browser must find before a
# receipt code is checked, and before a tip is sent or a chat opened (kept low: a person in
# danger must not wait). Above the normal rate (wrong receipt codes; tips and chats opened, per
# minute, site-wide) each doubling adds a bit, up to LANTERN_POW_MAX_EXTRA_BITS. Nothing is
# refused for load.
LANTERN_POW_BITS = int(os.environ.get("LANTERN_POW_BITS", "16"))
LANTERN_INTAKE_POW_BITS = int(os.environ.get("LANTERN_INTAKE_POW_BITS", "12"))
LANTERN_POW_MAX_EXTRA_BITS = int(os.environ.get("LANTERN_POW_MAX_EXTRA_BITS", "6"))
LANTERN_RECEIPT_FAILURES_PER_MINUTE = int(
    os.environ.get("LANTERN_RECEIPT_FAILURES_PER_MINUTE", "60")
)
LANTERN_INTAKE_PER_MINUTE = int(os.environ.get("LANTERN_INTAKE_PER_MINUTE", "30"))
# Tips and chats one browser session may open (a flood from one browser stops there).
LANTERN_SESSION_INTAKE_LIMIT = int(os.environ.get("LANTERN_SESSION_INTAKE_LIMIT", "5"))
# Languages a text's language may be guessed as (ISO 639-1, as py3langid names them); by default
# the hotline's languages (core/data/languages.yaml).
LANTERN_LANGUAGE_HINTS = [
    t.strip()
    for t in os.environ.get("LANTERN_LANGUAGE_HINTS", ",".join(languages.hints())).split(",")
    if t.strip()
]
LANTERN_RULES_FILE = os.environ.get("LANTERN_RULES_FILE", str(BASE_DIR / "accounts" / "rules.yaml"))

# --- Internationalisation ---------------------------------------------------------------------
# The hotline's languages are data (core/data/languages.yaml, docs/translating.md); each app keeps
# its catalogues in its own locale/ folder, compiled to .mo by the build (setup.py).
LANGUAGE_CODE = languages.DEFAULT
LANGUAGES = languages.choices()
LANGUAGES_BIDI = languages.rtl_codes()
TIME_ZONE = os.environ.get("LANTERN_TIME_ZONE", "America/New_York")
# Languages the console (staff) is offered in; each user picks one in their profile.
LANTERN_CONSOLE_LANGUAGES = [
    t.strip() for t in os.environ.get("LANTERN_CONSOLE_LANGUAGES", "en,es").split(",") if t.strip()
]
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# WhiteNoise hands Django's ASGI handler a file iterator; that is fine for static files.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)
# Serve from the app folders too, so a test run or a fresh checkout works before collectstatic.
WHITENOISE_USE_FINDERS = True

# --- Logging ----------------------------------------------------------------------------------
# Log lines carry method, path (never the query string), status and timing: no request bodies,
# no IP addresses, no personal fields. See docs/privacy.md.
LOG_DIR = DATA_DIR / "logs"
LOG_DIR.mkdir(exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # standard error and logs/lantern.log, written by a background thread (lantern.core.logs)
    "handlers": {
        "background": {
            "()": "lantern.core.logs.background",
            "filename": str(LOG_DIR / "lantern.log"),
        },
    },
    "filters": {"no_client_address": {"()": "lantern.core.logs.NoClientAddress"}},
    "root": {"handlers": ["background"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "uvicorn.access": {"handlers": [], "propagate": False},
        # uvicorn writes each WebSocket handshake with the client's address and port
        "uvicorn.error": {"filters": ["no_client_address"]},
        # The twilio client logs each API request and its headers at INFO; its warnings and
        # errors are enough, and Lantern logs the outcome itself without numbers or text.
        "twilio": {"level": "WARNING"},
        # aiosmtpd logs every client's address ("Peer: ('203.0.113.5', 50123)") at INFO, and
        # its warnings name the peer too: the SMTP receiver keeps only errors.
        "mail.log": {"level": "ERROR"},
        "mail.debug": {"level": "ERROR"},
        # fpdf2's font subsetting reports every table it prunes at INFO
        "fontTools": {"level": "WARNING"},
        # fpdf2 warns with the very characters a font lacks ("missing glyphs: '中'"): a
        # document's text; core.pdf prints them as "?" and says so in the document instead
        "fpdf": {"level": "ERROR"},
        # Presidio (scrubbed exports) logs each analysis at INFO; nothing of a transcript may
        # reach a log, so only its errors are kept
        "presidio-analyzer": {"level": "ERROR"},
        "presidio-anonymizer": {"level": "ERROR"},
    },
}
