"""Test settings: the same stack as production, against the PostgreSQL and Redis named in the environment."""

from config.env import env_str
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
CACHES["default"]["KEY_PREFIX"] = env_str("CACHE_KEY_PREFIX", "atrium-test")  # noqa: F405
PUBLIC_URL_SCHEME = "http"
TENANT_SPARE_POOL_SIZE = 2
# Argon2 stays the hasher; its cost is lowered so the suite stays fast.
PASSWORD_HASHERS = ["tenant_apps.accounts.hashers.FastTestArgon2PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The suite's webhook receivers listen on loopback.
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
