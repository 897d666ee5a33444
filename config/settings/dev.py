"""Development: debug on, mail printed to the console unless EMAIL_HOST is set."""

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
PUBLIC_URL_SCHEME = env_str("PUBLIC_URL_SCHEME", "http")
PUBLIC_URL_PORT = env_str("PUBLIC_URL_PORT", "8000")
# Development receivers usually listen on this machine.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", DEBUG)
