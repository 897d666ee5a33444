"""Cursor (keyset) pagination: stable under inserts, and every ordering it offers has an index behind it."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
