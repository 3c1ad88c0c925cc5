"""Everything Hémicycle needs, driven by environment variables (see README.md)."""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates override the libraries'.
    "config",
    "school",
    "courses",
    "classroom_votes",
    "content",
    # Wagtail
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third parties
    "dsfr",
    "axes",
    "widget_tweaks",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "csp",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, static files and
    # errors included: the site's policy, the admin's and the H5P player's (config.middleware).
    "config.middleware.SecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # French typography on the site's pages: no « ? » alone at the start of a line.
    "config.middleware.FrenchTypographyMiddleware",
    # Before anything reads an API request's body: its size and depth (config.middleware).
    "config.middleware.ApiBodyGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A pupil's session ends with the browser and after an idle delay (config.middleware).
    "config.middleware.PupilSessionMiddleware",
    # What a logged-in user is answered is never stored by a browser or a proxy (no-store).
    "config.middleware.PrivateResponseMiddleware",
    # A pupil waiting for their teacher's approval reaches nothing but the waiting page.
    "school.middleware.WaitingPupilMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.site",
                "config.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# A kept connection is checked before a request's first query, and replaced if the database
# restarted or dropped it meanwhile: a restart costs no request an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A first run on SQLite: wait for a lock rather than fail under the dev server's threads.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
    # PostgreSQL gets the parameters apart from the statement, and psycopg prepares the
    # statements a connection runs again and again (a vote's, a session's): less work for
    # both at every request. No PgBouncer in transaction mode in front, then.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "school.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "school.backends.PupilBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures (django-axes), per account AND client address: five wrong
# secrets from one address lock that account at that address only, so an outsider who knows a
# pupil's pseudonym cannot lock them out of their classroom; guessing from many addresses is
# bounded by the throttles (school.throttles). The account is a username, or for a pupil a keyed
# hash of class code + canonical pseudonym (school.backends.axes_username).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "school.backends.axes_username"
# The address behind the trusted proxies (HEMICYCLE_TRUSTED_PROXIES), as the throttles see it.
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no log of successful logins (pupils' data is minimised)
AXES_LOCKOUT_TEMPLATE = "school/locked_out.html"
# Nothing typed into a login form is stored: the handler records failures without the request's
# form data at all; the masked names below are a second line should another handler be set.
AXES_HANDLER = "school.backends.AxesHandler"
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "secret",
    "pseudonym",
    "class_code",
    "password",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# E-mail: teachers confirm their address and reset their password by e-mail (school.teachers).
# EMAIL_URL (django-environ: smtp+tls://user:password@host:587) in production; without it, the
# messages are printed on the console (the tests collect them in django.core.mail.outbox).
# (Not kept as a setting of its own: it holds the SMTP password.)
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Hémicycle <ne-pas-repondre@localhost>")
EMAIL_SUBJECT_PREFIX = "[Hémicycle] "
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# How long an e-mail's link (address confirmation, password reset) stays valid, in seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=2 * 24 * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "school:account_home"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Front-end packages installed by npm (package.json) and served as static files.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
# The H5P player; without npm, lessons say that their activities cannot be played.
H5P_STANDALONE_DIR = NODE_MODULES_DIR / "h5p-standalone" / "dist"
if H5P_STANDALONE_DIR.is_dir():
    STATICFILES_DIRS.append(("h5p-standalone", H5P_STANDALONE_DIR))
# htmx, for the live touches (participation count); every page works without it.
HTMX_DIR = NODE_MODULES_DIR / "htmx.org" / "dist"
if HTMX_DIR.is_dir():
    STATICFILES_DIRS.append(("htmx", HTMX_DIR))

REDIS_URL = env("REDIS_URL", default="")
# The cache fails open: while Redis is unreachable a read misses and a write is dropped (and
# logged), so that no request fails for it; each of the cache's users says in README.md
# ("Pannes") what it does then. An unreachable Redis costs a request a second at most.
REDIS_CACHE_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="hemicycle"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The throttles' counters (school.throttles): a cache that raises its errors instead of failing
# open, so that an unreachable Redis switches them to in-process counting.
if REDIS_URL:
    CACHES["throttles"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"],
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
else:
    CACHES["throttles"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttles",
    }
HEMICYCLE_THROTTLE_CACHE = "throttles"
HEMICYCLE_THROTTLE_FALLBACK_SECONDS = 30
# Requests that cost a password hash (logins, joining, the API token, sign-up, password reset),
# counted before any hashing (school.throttles): per client address and scope, and over the
# whole site. A class of 35 behind one school address must get in within the first; the second
# bounds the CPU that hashing takes (a PBKDF2 hash is about half a second of one core).
HEMICYCLE_LOGIN_RATES = {
    "address": env("HEMICYCLE_LOGIN_RATE_ADDRESS", default="60/min"),
    "global": env("HEMICYCLE_LOGIN_RATE_GLOBAL", default="300/min"),
}
# Stricter per-address rates for some scopes (what sends e-mail need not be fast).
HEMICYCLE_THROTTLE_SCOPE_RATES = {
    "signup": {"address": "10/hour"},
    "password_reset": {"address": "10/hour"},
}
# Sessions are read on every request: from Redis when there is one, written through to the
# database so that none is lost when Redis restarts or is unreachable (config.sessions: the
# cached copy lives a few minutes at most). school.services deletes both copies.
SESSION_ENGINE = "config.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
HEMICYCLE_SESSION_CACHE_SECONDS = env.int("HEMICYCLE_SESSION_CACHE_SECONDS", default=300)
# A pupil is logged out after this many minutes without a request (config.middleware), and when
# the browser closes: classroom computers are shared.
HEMICYCLE_PUPIL_IDLE_MINUTES = env.int("HEMICYCLE_PUPIL_IDLE_MINUTES", default=30)

# Celery: Redis is the broker in production; the database stays the system of record.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "pupils-purge-archived": {
        "task": "school.tasks.pupils_purge_archived",
        "schedule": 6 * 3600.0,
    },
    "teachers-purge-unconfirmed": {
        "task": "school.tasks.teachers_purge_unconfirmed",
        "schedule": 6 * 3600.0,
    },
    "pages-publish-scheduled": {
        "task": "courses.tasks.pages_publish_scheduled",
        "schedule": 60.0,
    },
    "consultations-apply-schedule": {
        "task": "classroom_votes.tasks.consultations_apply_schedule",
        "schedule": 60.0,
    },
    "ballots-mix": {
        "task": "classroom_votes.tasks.ballots_mix_pending",
        "schedule": env.float("HEMICYCLE_BALLOT_MIX_SECONDS", default=10.0),
    },
}
# An H5P check still pending is queued again (the broker was unreachable at upload, or its
# worker died), or given up once too old (courses.services.h5p.h5p_packages_recover).
CELERY_BEAT_SCHEDULE["h5p-packages-requeue"] = {
    "task": "courses.tasks.h5p_packages_requeue",
    "schedule": 600.0,
}
# Staging folders of killed H5P extractions and files no package references are removed.
CELERY_BEAT_SCHEDULE["h5p-files-sweep"] = {
    "task": "courses.tasks.h5p_files_sweep",
    "schedule": 3600.0,
}

# A class's close whose national roll-up was lost (broker or worker down) is found again here.
CELERY_BEAT_SCHEDULE["national-rollup-pending"] = {
    "task": "classroom_votes.tasks.national_rollup_pending",
    "schedule": 300.0,
}

# Wagtail
WAGTAIL_SITE_NAME = "Hémicycle"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# The admin in French for every account: no other language to pick in one's preferences.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# SVG diagrams are accepted once config.svg has found nothing active in them (seed files and
# every admin upload, through this form base); media are served sandboxed (HEMICYCLE_MEDIA_CSP).
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "config.image_forms.SafeImageForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "odp", "txt", "csv"]

# Django REST framework: read-only Wagtail API v2 plus the project's own endpoints.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "config.schema.ApiSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "school.api.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min"},
    # One error body for every refusal of the API (config.api_errors).
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    # Every list comes a page at a time (config.pagination).
    "DEFAULT_PAGINATION_CLASS": "config.pagination.ApiPagination",
}
# Items in a page of an API list, by default and at most (?page_size=).
HEMICYCLE_API_PAGE_SIZE = env.int("HEMICYCLE_API_PAGE_SIZE", default=50)
HEMICYCLE_API_PAGE_SIZE_MAX = env.int("HEMICYCLE_API_PAGE_SIZE_MAX", default=200)
SPECTACULAR_SETTINGS = {
    "TITLE": "Hémicycle API",
    "DESCRIPTION": "API de la plateforme Hémicycle.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["config.schema.preprocess_project_endpoints"],
    "ENUM_NAME_OVERRIDES": {
        "ElectionKindEnum": "classroom_votes.models.elections.ElectionKind",
        "ArgumentKindEnum": "classroom_votes.models.debates.ArgumentKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.postprocess_error_responses",
    ],
}

# Hémicycle
HEMICYCLE_SITE_TITLE = "Hémicycle"
HEMICYCLE_SITE_TAGLINE = _("Comprendre la Ve République et pratiquer la démocratie en classe")
# Where a pupil and a teacher land after joining or logging in (URL names: school does not know
# the pages, in config.landing, that gather its classes' work from courses and classroom_votes).
HEMICYCLE_PUPIL_HOME = "landing:pupil"
HEMICYCLE_TEACHER_HOME = "landing:teacher"
# The most pupils a class may have, whoever adds them (joining, bulk creation, moving); a
# teacher may set a smaller limit on a class.
HEMICYCLE_CLASS_MAX_PUPILS = env.int("HEMICYCLE_CLASS_MAX_PUPILS", default=45)
# Retention: pupils of archived classes are erased after this many days (CNIL guidance).
HEMICYCLE_PUPIL_RETENTION_DAYS = env.int("HEMICYCLE_PUPIL_RETENTION_DAYS", default=90)
# End of the school year (issue 21): on this day ("MM-DD") beat archives the classes whose school
# year it ends (school.services.classrooms_year_end), after reminding their teachers this many
# days before; a class created less than HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS before the end is taken
# for one made for the next year and left alone until the following end. The privacy pages
# render these values (tests/school/test_privacy_claims.py holds them to the tasks).
HEMICYCLE_SCHOOL_YEAR_END = env("HEMICYCLE_SCHOOL_YEAR_END", default="08-31")
HEMICYCLE_SCHOOL_YEAR_REMINDER_DAYS = env.int("HEMICYCLE_SCHOOL_YEAR_REMINDER_DAYS", default=14)
HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS = env.int("HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS", default=62)
CELERY_BEAT_SCHEDULE["classrooms-year-end"] = {
    "task": "school.tasks.classrooms_year_end",
    "schedule": 24 * 3600.0,
}
# Expired sessions leave the database (Django's clearsessions), every day.
CELERY_BEAT_SCHEDULE["sessions-clear"] = {
    "task": "school.tasks.sessions_clear",
    "schedule": 24 * 3600.0,
}
# Debate reports (classroom_votes.debates.services): a pupil's report counts towards the
# automatic hiding only when they were accepted in one of the debate's classes at least this many
# hours ago and are not flagged; the threshold is the largest of the debate's setting, the floor
# below and this share of the accepted pupils of the debate's classes.
HEMICYCLE_DEBATE_REPORT_STANDING_HOURS = env.int(
    "HEMICYCLE_DEBATE_REPORT_STANDING_HOURS", default=24
)
HEMICYCLE_DEBATE_REPORT_THRESHOLD_MIN = env.int("HEMICYCLE_DEBATE_REPORT_THRESHOLD_MIN", default=3)
HEMICYCLE_DEBATE_REPORT_THRESHOLD_SHARE = env.float(
    "HEMICYCLE_DEBATE_REPORT_THRESHOLD_SHARE", default=0.15
)
# Each (reports, minutes) window caps one pupil's reports, every debate together (refused past it).
HEMICYCLE_DEBATE_REPORT_RATE_LIMITS = [(5, 10), (20, 24 * 60)]
# A pupil is flagged to the teacher, and their reports stop counting, when they sent at least
# `reports` within `minutes`, or when at least `min_decided` of their reports were decided and
# more than `rejected_share` of those were rejected (the post restored or the reports dismissed).
HEMICYCLE_DEBATE_REPORTER_FLAG = {
    "reports": 8,
    "minutes": 24 * 60,
    "min_decided": 3,
    "rejected_share": 0.5,
}
# Each quiz submission is small; anything larger is tampering.
HEMICYCLE_QUIZ_MAX_FIELDS = 200
# H5P packages: limits on what an upload may unpack to (see courses.h5p.package.H5PLimits).
HEMICYCLE_H5P_LIMITS = {
    "max_compressed_bytes": env.int("HEMICYCLE_H5P_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024),
    "max_uncompressed_bytes": env.int(
        "HEMICYCLE_H5P_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024
    ),
}
# An H5P check (a worker validating and extracting a package): the task's hard time limit in
# seconds (soft limit 30 s before); after this many minutes, or this many tries started without
# finishing (a worker killed), beat shows the check as failed, with a « Relancer » button.
HEMICYCLE_H5P_TASK_TIME_LIMIT = env.int("HEMICYCLE_H5P_TASK_TIME_LIMIT", default=600)
HEMICYCLE_H5P_CHECK_TIMEOUT_MINUTES = env.int("HEMICYCLE_H5P_CHECK_TIMEOUT_MINUTES", default=30)
HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS = env.int("HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS", default=3)
# Age (minutes) past which an H5P staging folder, or a content folder or upload that no package
# references, is swept: far above the task's time limit, so nothing in progress is touched.
HEMICYCLE_H5P_SWEEP_AFTER_MINUTES = env.int("HEMICYCLE_H5P_SWEEP_AFTER_MINUTES", default=180)
# A pupil's saved state for one H5P activity, and what one xAPI request may carry.
HEMICYCLE_H5P_STATE_MAX_BYTES = 64 * 1024
# How often (seconds) H5P saves a pupil's state while they work (and 3 s after they finish).
HEMICYCLE_H5P_SAVE_SECONDS = 10
# The lesson page sends a typed answer this long (ms) after the pupil's last change, and H5P's
# statements in batches this long after the first one waits; both go at once when the page
# is left (config/static/js/h5p-player.js).
HEMICYCLE_H5P_STATE_DELAY_MS = 1500
HEMICYCLE_XAPI_BATCH_MS = 400
HEMICYCLE_XAPI_MAX_STATEMENTS = 50
HEMICYCLE_XAPI_MAX_STATEMENT_BYTES = 16 * 1024
HEMICYCLE_XAPI_MAX_BODY_BYTES = 512 * 1024
# Requests of one user to the xAPI endpoint (courses.api.xapi.XAPIRateThrottle).
HEMICYCLE_XAPI_RATE = env("HEMICYCLE_XAPI_RATE", default="300/min")
# Statements kept per pupil and H5P activity over the last hour (courses.services.xapi): a pupil
# retrying an activity keeps two or three per try, a script thousands.
HEMICYCLE_XAPI_MAX_KEPT_PER_ACTIVITY_HOUR = env.int(
    "HEMICYCLE_XAPI_MAX_KEPT_PER_ACTIVITY_HOUR", default=200
)
# Saved H5P states per user (courses.services.h5p): a row per activity (and sub-activity) a
# pupil has opened, all together at most this many and this many bytes; a pupil opens a few
# dozen activities in a year, each state a few kilobytes.
HEMICYCLE_H5P_STATE_MAX_PER_USER = env.int("HEMICYCLE_H5P_STATE_MAX_PER_USER", default=300)
HEMICYCLE_H5P_STATE_MAX_TOTAL_BYTES = env.int(
    "HEMICYCLE_H5P_STATE_MAX_TOTAL_BYTES", default=2 * 1024 * 1024
)
# Saves of one user's H5P states (courses.views.h5p.H5PStateRateThrottle): the player saves each
# open activity every HEMICYCLE_H5P_SAVE_SECONDS.
HEMICYCLE_H5P_STATE_RATE = env("HEMICYCLE_H5P_STATE_RATE", default="60/min")
# The secret ballot (classroom_votes.consultations): a vote is stored sealed with a key kept
# outside the database, then mixed into the urn and the counters in shuffled batches of at least
# HEMICYCLE_BALLOT_BATCH ballots of a class, every HEMICYCLE_BALLOT_MIX_SECONDS by beat (or at
# once without a worker), and at the close. Keys: comma-separated URL-safe base64 of 32 bytes,
# the first seals, all open (production requires them; elsewhere one is derived from SECRET_KEY).
HEMICYCLE_BALLOT_SEAL_KEYS = env.list("HEMICYCLE_BALLOT_SEAL_KEYS", default=[]) or [
    base64.urlsafe_b64encode(
        hashlib.sha256(b"hemicycle ballot seal " + SECRET_KEY.encode()).digest()
    ).decode()
]
HEMICYCLE_BALLOT_BATCH = env.int("HEMICYCLE_BALLOT_BATCH", default=5)
HEMICYCLE_BALLOT_MIX_SECONDS = env.float("HEMICYCLE_BALLOT_MIX_SECONDS", default=10.0)
# Without a worker (no beat), mix after each vote's commit instead.
HEMICYCLE_BALLOT_MIX_INLINE = env.bool(
    "HEMICYCLE_BALLOT_MIX_INLINE", default=CELERY_TASK_ALWAYS_EAGER
)
# Debates: each (posts, minutes) window caps one pupil's posts in one debate, counted in the
# database (classroom_votes.debates.services); and the site's list of watched words, one a line.
# The national picture (classroom_votes.national): a territory's figures are published only
# when at least this many classes, of this many schools, with this many ballots, count in it,
# and they then move only by as many at once. Classes that wait longer than the delay below in
# a territory that lacks them are offered to the territory above (académie, région, …).
HEMICYCLE_NATIONAL_MIN_CLASSES = env.int("HEMICYCLE_NATIONAL_MIN_CLASSES", default=3)
HEMICYCLE_NATIONAL_MIN_SCHOOLS = env.int("HEMICYCLE_NATIONAL_MIN_SCHOOLS", default=2)
HEMICYCLE_NATIONAL_MIN_BALLOTS = env.int("HEMICYCLE_NATIONAL_MIN_BALLOTS", default=30)
HEMICYCLE_NATIONAL_POOL_AFTER_DAYS = env.float("HEMICYCLE_NATIONAL_POOL_AFTER_DAYS", default=7)

HEMICYCLE_DEBATE_RATE_LIMITS = [(3, 1), (20, 60)]
HEMICYCLE_DEBATE_WORD_LIST = Path(
    env(
        "HEMICYCLE_DEBATE_WORD_LIST",
        default=str(BASE_DIR / "classroom_votes" / "data" / "debate_words_fr.txt"),
    )
)
# Real elections' official results (classroom_votes.elections): the largest file an import reads
# or downloads, what an xlsx may unpack to, how many territory rows it may have, and the download's
# timeout (seconds). The Ministry's per-département file is about 30 KB and 107 rows.
HEMICYCLE_ELECTION_MAX_BYTES = env.int("HEMICYCLE_ELECTION_MAX_BYTES", default=20 * 1024 * 1024)
HEMICYCLE_ELECTION_MAX_UNPACKED_BYTES = env.int(
    "HEMICYCLE_ELECTION_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024
)
HEMICYCLE_ELECTION_MAX_ROWS = 1000
HEMICYCLE_ELECTION_DOWNLOAD_TIMEOUT = 30

DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# The project's API (config.middleware): the largest body a view takes unless it says less, and
# how deeply a JSON body may nest (what it sends is a few levels deep; parsers break near 1,000).
HEMICYCLE_API_MAX_BODY_BYTES = 1024 * 1024
HEMICYCLE_API_MAX_JSON_DEPTH = 64

# Behind a reverse proxy: how many proxies in front of the site append to X-Forwarded-For. The
# client address that throttles and lockouts count against is the one the outermost trusted proxy
# saw; with 0 (the default, no proxy), X-Forwarded-For is ignored and REMOTE_ADDR is used.
HEMICYCLE_TRUSTED_PROXIES = env.int("HEMICYCLE_TRUSTED_PROXIES", default=0)
# DRF's throttles read the same number (config.client_address for everything else): left at
# its default (None), DRF would count a client by the whole X-Forwarded-For it sent.
REST_FRAMEWORK["NUM_PROXIES"] = HEMICYCLE_TRUSTED_PROXIES

# Teachers' API tokens (django-rest-knox): 256 random bits shown once, stored as a SHA-512
# digest, valid for this many days (never extended), at most this many live at once per teacher.
HEMICYCLE_API_TOKEN_DAYS = env.int("HEMICYCLE_API_TOKEN_DAYS", default=90)
HEMICYCLE_API_TOKENS_PER_USER = env.int("HEMICYCLE_API_TOKENS_PER_USER", default=10)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=HEMICYCLE_API_TOKEN_DAYS),
    "TOKEN_LIMIT_PER_USER": HEMICYCLE_API_TOKENS_PER_USER,
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "filters": {
        "requests": {"()": "config.log_filters.RequestLogFilter"},
        "without_traceback": {"()": "config.log_filters.WithoutTracebackFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Refusals in one line, without traceback nor path (config.log_filters).
        "django.request": {"filters": ["requests"]},
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The cache failing open: one line per miss while Redis is unreachable.
        "django_redis.cache": {"filters": ["without_traceback"]},
    },
}

# Security defaults that hold in every environment; production.py tightens the rest.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A form refused for its CSRF token gets the site's French page (config.error_views).
CSRF_FAILURE_VIEW = "config.error_views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's page preview is an iframe of the site itself, so frames stay allowed same-origin.
X_FRAME_OPTIONS = "SAMEORIGIN"

# Content-Security-Policy (django-csp 4): scripts only from the site's own files, nothing
# inline, no plugin, forms and frames kept on the site. Styles may sit in style="" attributes
# (the result bars' widths) but not in <style> elements from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# What Wagtail's admin adds, under HEMICYCLE_ADMIN_PATH only: its templates and widgets still
# write inline scripts and styles, and image previews are blob: URLs (wagtail/wagtail#1288,
# #7053). Content editors and administrators are trusted adults: no pupil reaches the admin.
HEMICYCLE_ADMIN_PATH = "/admin/"
HEMICYCLE_ADMIN_CSP_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}
# The H5P player page (courses.views.h5p.h5p_player), alone: h5p-standalone writes its frame
# with inline code and libraries evaluate code and style themselves. It runs in a sandboxed
# frame with an opaque origin (no cookie, no access to the site's pages), and may reach only
# the site itself: nothing a package holds can be sent elsewhere with fetch or an image.
HEMICYCLE_H5P_PLAYER_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'self'"],
}
# Uploaded media (images, documents) are never pages of the site: served sandboxed (an opaque
# origin, no script), nothing loaded from elsewhere, never sniffed. The same header must be set by
# the proxy that serves MEDIA_ROOT in production (config/deploy/nginx-media.conf).
HEMICYCLE_MEDIA_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)
# Browser features no page of the site uses are denied to every page and frame; fullscreen
# stays for the site itself and the H5P frames it delegates it to (allow="fullscreen").
HEMICYCLE_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=(), fullscreen=(self)"
)
SILENCED_SYSTEM_CHECKS = ["security.W019"]
