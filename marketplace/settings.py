"""Django settings, one module grouped by concern. Every value is read from the environment (django-environ)
with development defaults; production differs only by environment values: DJANGO_DEBUG=false,
DJANGO_SECRET_KEY (no default when DEBUG is off), DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and
CACHE_URL (Redis); docs/configuration.md lists every variable. MARKETPLACE_* settings are read at call time
through django.conf.settings, so tests can override them. A section may read an earlier one's values.

 1. Environment and core                  8. Security: cookies, HTTPS, CSP, Permissions-Policy
 2. Apps, middleware, URLs, templates     9. Logging
 3. Database, caches and sessions        10. Chat: polls, pages, editing, typing, fragment cache
 4. Accounts and sign-in                 11. Ads, offers, reviews and response time
 5. Email                                12. Rate limits and held messages
 6. Languages and time zones             13. Delivery: live hints (Pushpin), Web Push, unread emails
 7. Static files, media and uploads      14. The JSON API: REST framework, device tokens, OpenAPI
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import csp.constants
import environ

from marketplace.database import databases_from_env
from marketplace.openapi import SCHEMA_CONTRACT

# --- 1. Environment and core ---
BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
DEBUG = env.bool("DJANGO_DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-development-only-key")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Django 5.x transitional setting: urlize (chat message links) assumes https for bare hosts, as Django 7 will.
URLIZE_ASSUME_HTTPS = True

# --- 2. Apps, middleware, URLs, templates ---
INSTALLED_APPS = [
    "accounts",
    "ads",
    "notifications",
    "chat",
    "chat.moderation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_ratelimit",
    "csp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after security headers: "nothing new" polls are answered from the cache before sessions load.
    "chat.delivery.gate.NothingNewPollMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie (set_language), else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "marketplace.db_router.ReplicaReadsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Private pages and polls are never stored by a browser or a proxy.
    "marketplace.middleware.PrivateNoStoreMiddleware",
    "accounts.middleware.LastSeenMiddleware",
    "marketplace.middleware.BrowserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
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
                "marketplace.context_processors.marketplace",
                "chat.context_processors.unread_badge",
            ],
            # marketplace is the project package, not an app: its tag library is registered by name.
            "libraries": {"marketplace_tags": "marketplace.templatetags.marketplace_tags"},
        },
    },
]

# --- 3. Database, caches and sessions ---
DATABASES, DATABASE_ROUTERS = databases_from_env(env, BASE_DIR)  # a replica: marketplace/db_router.py
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is a cache here, never the only copy of anything (docs/operations.md, "Redis outage"): "default"
# (fragments, last-seen gate, rate-limit counters) ignores and logs connection errors; "poll" (poll tokens,
# chat.delivery.tokens) is the same Redis but raises, because a token that could not be replaced must not keep
# answering "nothing new". Sessions live in the database: a cached copy could outlive a logout made while
# Redis was unreachable.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
CACHES["poll"] = dict(CACHES["default"])
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # A stopped Redis refuses at once; a hung one costs at most this per call (seconds).
    redis_options = {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25}
    CACHES["default"]["OPTIONS"] = {**CACHES["default"].get("OPTIONS", {}), **redis_options}
    CACHES["poll"]["OPTIONS"] = dict(CACHES["default"]["OPTIONS"])
    CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- 4. Accounts and sign-in ---
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ads:list"
LOGOUT_REDIRECT_URL = "ads:list"
# How long the link in the sign-up confirmation email works; "Resend confirmation email" mails a new one.
MARKETPLACE_EMAIL_VERIFICATION_TTL_S = env.int("MARKETPLACE_EMAIL_VERIFICATION_TTL_S", default=3 * 86400)
# A user counts as "online" when seen less than this many seconds ago; last_seen_at is written at most
# once per this interval per user.
MARKETPLACE_ONLINE_WINDOW_S = 5 * 60

# --- 5. Email ---
# Console in development; in production EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 (parsed by
# django-environ into EMAIL_BACKEND/HOST/PORT/USER/PASSWORD/TLS).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Marketplace <no-reply@marketplace.test>")

# --- 6. Languages and time zones ---
LANGUAGE_CODE = "en"
# English and Russian (the first design notes are Russian); a user's choice is also kept on their profile
# (accounts.User.language) for emails and push notifications.
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- 7. Static files, media and uploads ---
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "marketplace.staticfiles.ManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Chat photos: stored outside MEDIA_ROOT and served only through an access-checked view.
MARKETPLACE_PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
# Serve uploaded media from Django itself (demo and single-host deployments); put a CDN or object
# storage in front in a larger deployment.
MARKETPLACE_SERVE_MEDIA = env.bool("MARKETPLACE_SERVE_MEDIA", default=True)
# Upload limits: Django refuses bodies above this before any view runs (bytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Ad photo limits: bytes per file, pixels per image, photos per ad.
MARKETPLACE_PHOTO_MAX_BYTES = 10 * 1024 * 1024
MARKETPLACE_PHOTO_MAX_PIXELS = 40_000_000
MARKETPLACE_PHOTOS_PER_AD = 8
# Chat photos: at most this many per message (limits as for ad photos: MARKETPLACE_PHOTO_MAX_*).
MARKETPLACE_PHOTOS_PER_MESSAGE = 5

# --- 8. Security: cookies, HTTPS, CSP, Permissions-Policy ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Trust X-Forwarded-Proto only when the environment says a TLS-terminating proxy in front sets it (and
# strips it from clients); otherwise any client could claim https.
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): only this site's own files, scripts also by per-response nonce
# (base.html's one-line class switch); no 'unsafe-inline', no 'unsafe-eval' (htmx runs with
# allowEval = false, see base.html). Photos are same-origin; data: is for browser-made previews.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF, csp.constants.NONCE],
        "style-src": [csp.constants.SELF],
        "img-src": [csp.constants.SELF, "data:"],
        "font-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.NONE],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the site uses none of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "browsing-topics", "camera", "geolocation", "gyroscope")
    + ("magnetometer", "microphone", "payment", "usb")
}

# --- 9. Logging ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- 10. Chat: polls, pages, editing, typing, fragment cache ---
# Seconds between htmx polls of the conversation list and the open conversation.
MARKETPLACE_POLL_INTERVAL_S = env.int("MARKETPLACE_POLL_INTERVAL_S", default=30)
# Messages shown when a conversation opens, and per "Load earlier messages" page.
MARKETPLACE_MESSAGES_PAGE_SIZE = 50
# Conversations shown per page of the chat list.
MARKETPLACE_CONVERSATIONS_PAGE_SIZE = 20
# A sender may edit or delete (for everyone) a message this long after sending it. 15 minutes: long enough
# to fix a typo or take back a message sent to the wrong buyer, short enough that a deal already agreed in
# the chat cannot be rewritten later (Zulip's default edit limit is 10 minutes, Telegram has none).
MARKETPLACE_EDIT_WINDOW_S = env.int("MARKETPLACE_EDIT_WINDOW_S", default=15 * 60)
# A typing indicator lasts this long without a new ping; pages ping at most every MARKETPLACE_TYPING_PING_S.
MARKETPLACE_TYPING_PING_S = 3
MARKETPLACE_TYPING_SHOWN_S = 6
# Seconds a rendered list pane or page of messages stays in the cache (chat/delivery/fragments.py; keys
# change with every relevant change, so this only bounds memory). 0 turns fragment caching off.
MARKETPLACE_FRAGMENT_CACHE_S = env.int("MARKETPLACE_FRAGMENT_CACHE_S", default=600)

# --- 11. Ads, offers, reviews and response time ---
MARKETPLACE_ADS_PAGE_SIZE = 24
MARKETPLACE_CURRENCY_SYMBOL = "$"
# Seconds a pending offer stays open before it expires (48 h).
MARKETPLACE_OFFER_TTL_S = env.int("MARKETPLACE_OFFER_TTL_S", default=48 * 3600)
# Largest offer accepted, in the site currency (a typo guard, far above any listing price).
MARKETPLACE_OFFER_MAX_AMOUNT = 10_000_000
# Reviews (Kleinanzeigen's rule): after a conversation in which both sides wrote at least
# MARKETPLACE_REVIEW_MIN_MESSAGES and MARKETPLACE_REVIEW_AFTER_S passed since its first message, each side
# may review the other until MARKETPLACE_REVIEW_WINDOW_S after its last message, and edit the review for
# MARKETPLACE_REVIEW_EDIT_S while unpublished; a review is published once both sides reviewed or
# MARKETPLACE_REVIEW_PUBLISH_AFTER_S after it was written.
MARKETPLACE_REVIEW_MIN_MESSAGES = env.int("MARKETPLACE_REVIEW_MIN_MESSAGES", default=2)
MARKETPLACE_REVIEW_AFTER_S = env.int("MARKETPLACE_REVIEW_AFTER_S", default=24 * 3600)
MARKETPLACE_REVIEW_WINDOW_S = env.int("MARKETPLACE_REVIEW_WINDOW_S", default=30 * 24 * 3600)
MARKETPLACE_REVIEW_EDIT_S = env.int("MARKETPLACE_REVIEW_EDIT_S", default=7 * 24 * 3600)
MARKETPLACE_REVIEW_PUBLISH_AFTER_S = env.int("MARKETPLACE_REVIEW_PUBLISH_AFTER_S", default=14 * 24 * 3600)
# Response time: the median first-reply delay over this window, shown from this many conversations on.
MARKETPLACE_RESPONSE_TIME_WINDOW_S = env.int("MARKETPLACE_RESPONSE_TIME_WINDOW_S", default=90 * 24 * 3600)
MARKETPLACE_RESPONSE_TIME_MIN_SAMPLE = env.int("MARKETPLACE_RESPONSE_TIME_MIN_SAMPLE", default=5)

# --- 12. Rate limits and held messages ---
# Named rate limits, Zulip style: rule -> [(window seconds, max requests in it), ...]; every window of a
# rule applies. Counted in the cache (Redis in production, so they hold across server processes) by
# django-ratelimit; see marketplace/ratelimits.py. Figures: a person typing fast sends a short message
# every 3 s (20/min leaves room, a bot sending 100/min does not get through); sellers answer many buyers,
# buyers rarely open more than 10 new chats an hour. An account younger than a day is the usual spam
# source, but also a real newcomer comparing several sellers of the same thing: it gets 6 new chats an
# hour and 20 a day (the same text to more than 3 sellers is held for a moderator anyway, see
# MARKETPLACE_DUPLICATE_TEXT_*). Only new conversations count (not refused ones, not writing again).
MARKETPLACE_RATE_LIMITS = {
    "message_by_user": [(60, 20), (3600, 300)],
    # Edits, deletions and reactions: quicker than typing a message, still far below what a script sends.
    "message_action_by_user": [(60, 30), (3600, 300)],
    "conversation_by_user": [(3600, 10), (86400, 50)],
    "conversation_by_new_user": [(3600, 6), (86400, 20)],
    "report_by_user": [(86400, 10)],
    "ad_by_user": [(3600, 10), (86400, 30)],  # new ads, on the site and through the API
    "login_by_ip": [(300, 10), (3600, 50)],
    "login_failures_by_account": [(900, 10)],  # failed passwords from strangers (accounts.login_throttle)
    # Sign-up mails any address typed: a cap per address (over it the same page, nothing sent) and per IP.
    "signup_by_ip": [(3600, 10)],
    "signup_email_by_address": [(3600, 3)],
    "verification_email_by_user": [(3600, 5)],
    "password_reset_by_ip": [(3600, 10)],
}
MARKETPLACE_NEW_ACCOUNT_S = 24 * 3600
# Off only for load tests that hammer one endpoint as one user (bench/run sets it).
RATELIMIT_ENABLE = env.bool("DJANGO_RATELIMIT_ENABLE", default=True)
# Cache down: limits are not applied rather than refusing every send and login. An outage is short and
# alerts the operators; failing closed would lock every user out of the site meanwhile, while what fails
# open is bounded (passwords still cost a PBKDF2 hash per try, the duplicate-text hold still runs).
RATELIMIT_FAIL_OPEN = True
# Behind a proxy, the client address is in a header the proxy sets (e.g. HTTP_X_FORWARDED_FOR with a
# trusted single hop); REMOTE_ADDR is right when clients connect directly (docker-compose, runserver).
RATELIMIT_IP_META_KEY = env.str("DJANGO_RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
# The development/test cache (locmem) is per process; production uses Redis (CACHE_URL).
SILENCED_SYSTEM_CHECKS = (
    ["django_ratelimit.E003", "django_ratelimit.W001"] if "locmem" in CACHES["default"]["BACKEND"] else []
)
# The same first message to this many different sellers within the window: the next copy is held for a
# moderator instead of delivered (chat.moderation.should_hold_first_message).
MARKETPLACE_DUPLICATE_TEXT_MAX_RECIPIENTS = 3
MARKETPLACE_DUPLICATE_TEXT_WINDOW_S = 15 * 60

# --- 13. Delivery: live hints (Pushpin), Web Push, unread emails ---
# Hints (chat/delivery/hints.py): Pushpin's publish endpoint, e.g. http://127.0.0.1:5561; empty = polls only.
# The site must then be served through Pushpin (manage.py run_pushpin, docker-compose), which signs what it
# forwards with MARKETPLACE_PUSH_SIG_KEY (its sig_key); pages served around it do not stream.
MARKETPLACE_PUSH_URL = env.str("MARKETPLACE_PUSH_URL", default="")
MARKETPLACE_PUSH_SIG_KEY = env.str(
    "MARKETPLACE_PUSH_SIG_KEY", default=hashlib.sha256(f"pushpin:{SECRET_KEY}".encode()).hexdigest()
)
# Web Push (chat/delivery/web_push.py; keys from manage.py generate_vapid_keys). Empty keys = off. A user
# whose pages have not been seen for MARKETPLACE_WEBPUSH_AFTER_S seconds (no open page polling) gets a
# push for a new message; the unread email follows after MARKETPLACE_NOTIFY_AFTER_S as before.
MARKETPLACE_VAPID_PUBLIC_KEY = env.str("MARKETPLACE_VAPID_PUBLIC_KEY", default="")
MARKETPLACE_VAPID_PRIVATE_KEY = env.str("MARKETPLACE_VAPID_PRIVATE_KEY", default="")
MARKETPLACE_VAPID_SUBJECT = env.str("MARKETPLACE_VAPID_SUBJECT", default="mailto:support@marketplace.test")
MARKETPLACE_WEBPUSH_AFTER_S = env.int("MARKETPLACE_WEBPUSH_AFTER_S", default=60)
# Tests' push service on http://127.0.0.1:<port>; not from the environment, so no deployment turns it on.
MARKETPLACE_WEBPUSH_ALLOW_LOOPBACK = False
# Push services browsers subscribe with (Chrome/Edge/Opera via FCM, Firefox, Safari, Windows): the only
# hosts the notifier will POST to, and their subdomains.
MARKETPLACE_WEBPUSH_HOSTS = env.list(
    "MARKETPLACE_WEBPUSH_HOSTS",
    default=["fcm.googleapis.com", "android.googleapis.com", "push.services.mozilla.com"]
    + ["push.apple.com", "notify.windows.com"],
)
# Unread-messages emails (chat.delivery.email, run by `manage.py notify_unread --loop 60`): sent when a
# user has not been seen for this long. Links in emails point at MARKETPLACE_SITE_URL.
MARKETPLACE_NOTIFY_AFTER_S = env.int("MARKETPLACE_NOTIFY_AFTER_S", default=10 * 60)
MARKETPLACE_SITE_URL = env.str("MARKETPLACE_SITE_URL", default="http://127.0.0.1:8000")

# --- 14. The JSON API: REST framework, device tokens, OpenAPI ---
# The JSON API (/api/v1/, Django REST framework): the browser's session (with CSRF) or a per-device token
# (django-rest-knox, "Authorization: Token …"); errors in one shape (marketplace.api.exception_handler);
# rate limits are the site's own named rules, answered 429 with Retry-After.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "marketplace.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# A device token lasts 30 days from its last use (refreshed at most hourly), and is listed and revocable on
# the profile page and at /api/v1/auth/devices/.
MARKETPLACE_API_TOKEN_TTL_S = env.int("MARKETPLACE_API_TOKEN_TTL_S", default=30 * 24 * 3600)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its stock token table even when the model is swapped (its first migration
# predates the swap), and that table's foreign key to users would block flushing the database; the
# swapped-in accounts.ApiToken is the only token table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=MARKETPLACE_API_TOKEN_TTL_S),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 3600,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Marketplace API",
    "DESCRIPTION": "The chat and the ads as JSON, over the same rules as the site. See docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    **dict.fromkeys(("SWAGGER_UI_DIST", "SWAGGER_UI_FAVICON_HREF", "REDOC_DIST"), "SIDECAR"),
    "SCHEMA_PATH_PREFIX": "/api/v1",
    **SCHEMA_CONTRACT,  # marketplace/openapi.py: hooks and enum names that make the schema a contract
}
