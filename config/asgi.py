import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup(set_prefix=False)

# Imported after setup: the handler loads the middleware, which needs the apps. What it changes: config/asgi_handler.py.
from config.asgi_handler import SyncChainASGIHandler, urlconfs_load  # noqa: E402

application = SyncChainASGIHandler()
urlconfs_load()
