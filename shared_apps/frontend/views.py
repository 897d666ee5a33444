"""Serves the frontend's static export (frontend/out) on every host, for the one-command run in development.

In production nginx serves the same directory and only /api (and friends) reach Django; this view mirrors
nginx's `try_files $uri $uri.html $uri/index.html`. A path with no page gets the export's 404 page when a
browser asks for HTML, and the API's JSON 404 otherwise, so API clients see one error shape everywhere.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

FRONTEND_ROOT = Path(settings.BASE_DIR) / "frontend" / "out"
# Next.js puts content-hashed assets here: they never change under the same name.
IMMUTABLE_PREFIX = "_next/static/"
NOT_BUILT = (
    "<!doctype html><title>Atrium</title><p>The frontend is not built yet. "
    "<code>python3 deploy/dev.py up</code> builds it; by hand: <code>cd frontend &amp;&amp; npm ci &amp;&amp; "
    "npm run build</code>.</p>"
)


def _file_for(root: Path, path: str) -> Path | None:
    """The export's file for a URL path, or None; never a file outside the export."""
    relative = path.strip("/")
    candidates = [f"{relative}.html", f"{relative}/index.html"] if relative else ["index.html"]
    if relative and not relative.endswith("/"):
        candidates.insert(0, relative)
    for candidate in candidates:
        file_path = (root / candidate).resolve()
        if file_path.is_relative_to(root) and file_path.is_file():
            return file_path
    return None


def _wants_html(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


@require_safe
def frontend_file(request: HttpRequest, path: str = "") -> HttpResponseBase:
    root = FRONTEND_ROOT.resolve()
    if "\x00" in path:
        raise Http404()
    file_path = _file_for(root, path)
    if file_path is None:
        not_found_page = root / "404.html"
        if not _wants_html(request):
            raise Http404()
        if not not_found_page.is_file():
            return HttpResponse(NOT_BUILT, status=404, content_type="text/html; charset=utf-8")
        return HttpResponse(not_found_page.read_bytes(), status=404, content_type="text/html; charset=utf-8")
    content_type, _encoding = mimetypes.guess_type(file_path.name)
    response = FileResponse(file_path.open("rb"), content_type=content_type or "application/octet-stream")
    if path.startswith(IMMUTABLE_PREFIX):
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    return response
