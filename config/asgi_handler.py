"""Django's ASGI handler with the whole synchronous part of a request in one call on one thread.

Django's own ASGIHandler builds the middleware chain in async mode. Our routing, observability and read-only
middleware are synchronous (django-tenants keeps the search_path on the thread's connection, so routing must
run in the thread that runs the view), so Django adapts the chain at every mode switch: into a thread for the
outer middleware, back to the event loop at the first async-capable one, into the thread again for
process_view, the view and each async-mode process_response. Each switch is a thread hand-off.

Here the chain is built in sync mode, exactly as under WSGI, and the event loop calls it once through
sync_to_async. Everything a request runs synchronously (request_started, middleware, view, request_finished)
stays on the request's one thread, as before; only the number of hand-offs changes.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # The chain is synchronous whatever Django asks for: get_response_async enters it once.
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
