"""Settings of the web process the browser tests talk to: the test settings, with Celery tasks run in-process.

The browser tests are about the browser against the real HTTP stack (gunicorn, uvicorn workers, PostgreSQL,
Redis, a real SMTP server); running tasks eagerly keeps them off the suite's shared Redis broker, where a
worker would also pick up messages other tests left there. Celery's own behaviour is tested elsewhere.
"""

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
