"""The bare floors' settings: the least a Django and Wagtail site needs to serve one StreamField
page, take a vote and keep an xAPI statement, on the same database server, connection options
and WSGI server as Hémicycle's benchmarks. No session, no authentication, no CSRF, no
security headers, no throttling: what each path costs with nothing but the framework."""

import environ

env = environ.Env()

SECRET_KEY = "bench-floors-only"  # noqa: S105  (never served outside a benchmark)
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.bench.floors.urls"
WSGI_APPLICATION = "tests.bench.floors.wsgi.application"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "wagtail",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.admin",
    "taggit",
    "modelcluster",
    "tests.bench.floors",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# As config.settings.base configures Hémicycle's connection.
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}

WAGTAIL_SITE_NAME = "Floor"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
STATIC_URL = "/static/"
LOGGING = {"version": 1, "disable_existing_loggers": False}
