import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup(set_prefix=False)

# Imported after setup: the handler loads the middleware, which needs the apps. What it changes: config/asgi_handler.py.
from config.asgi_handler import SyncChainASGIHandler, heap_freeze, urlconfs_load  # noqa: E402

application = SyncChainASGIHandler()
urlconfs_load()
# Last: what the worker loaded lives as long as it does; the garbage collector need not look at it again.
heap_freeze()
