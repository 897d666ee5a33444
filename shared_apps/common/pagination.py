"""Cursor (keyset) pagination: stable under inserts, and every ordering it offers has an index behind it.

A cursor is the client's to send back, so it is input like any other. DRF refuses one it cannot decode (404,
"Invalid cursor"), but one that decodes to a position the ordering's field cannot hold ("abc" for an id, a
number past the column's range, a date that is no date) went on to the database and came back as a 500.
CheckedCursorPagination checks the position against the field first and refuses it the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class CheckedCursorPagination(CursorPagination):
    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self._model: type[models.Model] = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not self._position_fits(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _position_fits(self, position: object) -> bool:
        """Whether the first ordering field can hold `position` (its text, as the cursor carries it)."""
        ordering = self.ordering if isinstance(self.ordering, list | tuple) else (self.ordering,)
        try:
            field = self._model._meta.get_field(str(ordering[0]).lstrip("-"))
        except FieldDoesNotExist:
            return True  # an annotation: nothing to check it against here
        if not isinstance(field, models.Field):
            return True
        try:
            value = field.to_python(position)
        except ValidationError:
            return False
        if value is None or "\x00" in str(position):
            return False
        if isinstance(field, models.IntegerField):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            return (low is None or value >= low) and (high is None or value <= high)
        return True


class IdCursorPagination(CheckedCursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
