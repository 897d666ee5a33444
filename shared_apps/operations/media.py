"""Uploaded files under /media/ are served only to signed-in members of the company that owns them.

Django decides, the file goes out through nginx: with MEDIA_ACCEL_REDIRECT_PREFIX set the answer is an empty
response with X-Accel-Redirect pointing into an `internal` nginx location that maps to MEDIA_ROOT (the client
can never request that location itself). Without it (development, no nginx) Django streams the file.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView


def tenant_media_path(*, tenant_id: int, relative_path: str) -> Path:
    """The file a company may read at MEDIA_ROOT/relative_path; NotFound for other companies' files or none."""
    root = Path(settings.MEDIA_ROOT).resolve()
    own_directory = (root / "tenants" / str(tenant_id)).resolve()
    candidate = (root / relative_path).resolve()
    if not candidate.is_relative_to(own_directory) or not candidate.is_file():
        raise NotFound("No such file.")
    return candidate


def media_response(path: Path) -> HttpResponse | FileResponse:
    """The response that sends `path` (a file under MEDIA_ROOT): through nginx when it is in front."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    prefix = str(settings.MEDIA_ACCEL_REDIRECT_PREFIX)
    response: HttpResponse | FileResponse
    if prefix:
        relative = path.relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class TenantMediaView(APIView):
    """GET /media/<path>: a file of this company, for its signed-in users (session or API token)."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # The answer is the file in its own type, whatever Accept says; errors stay JSON.
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="media_get",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="A file uploaded to this company (its logo, attachments), for signed-in members only",
        tags=["media"],
    )
    def get(self, request: Request, path: str) -> HttpResponse | FileResponse:
        tenant = getattr(request._request, "tenant", None)
        if tenant is None:
            raise NotFound("No such file.")
        return media_response(tenant_media_path(tenant_id=tenant.pk, relative_path=path))
