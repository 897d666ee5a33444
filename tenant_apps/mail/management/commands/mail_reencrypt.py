"""manage.py mail_reencrypt: after a new key was put first in MAIL_ENCRYPTION_KEYS, re-encrypt every stored secret
with it, in every company, so the old key can be removed.

Secrets are the model fields named `*_encrypted` (mail account passwords, OAuth tokens, ...), found in the public
schema's models and in every company's. A secret the newest key reads already is left alone, so running the
command again (after a crash, or to check) changes nothing; a row changed meanwhile is not overwritten. Progress
is printed per schema; secrets no configured key reads are counted and make the command fail at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django_tenants.utils import get_tenant_model, schema_context

from tenant_apps.mail.crypto import SecretUnreadable, secret_is_current, secret_rotate

ENCRYPTED_FIELD_SUFFIX = "_encrypted"


@dataclass
class Tally:
    rotated: int = 0
    current: int = 0
    unreadable: int = 0

    def add(self, other: Tally) -> None:
        self.rotated += other.rotated
        self.current += other.current
        self.unreadable += other.unreadable


def secret_fields(app_names: set[str]) -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every stored secret in the models of these apps."""
    return [
        (model, model_field.name)
        for model in apps.get_models()
        if model._meta.app_config.name in app_names
        for model_field in model._meta.concrete_fields
        if model_field.name.endswith(ENCRYPTED_FIELD_SUFFIX)
    ]


def secrets_reencrypt(fields: list[tuple[type[models.Model], str]]) -> Tally:
    """Re-encrypt with the newest key every secret of these fields in the current schema."""
    tally = Tally()
    for model, name in fields:
        manager = model._default_manager
        rows = manager.exclude(**{name: ""}).values_list("pk", name).order_by("pk")
        for pk, token in rows.iterator(chunk_size=500):
            if secret_is_current(token):
                tally.current += 1
                continue
            try:
                rotated = secret_rotate(token)
            except SecretUnreadable:
                tally.unreadable += 1
                continue
            # Only if unchanged since it was read: a secret written meanwhile is current already.
            tally.rotated += manager.filter(**{"pk": pk, name: token}).update(**{name: rotated})
    return tally


class Command(BaseCommand):
    help = "Re-encrypt every stored secret (all companies) with the first key of MAIL_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        shared = set(settings.SHARED_APPS) - set(settings.TENANT_APPS)
        total = Tally()
        schemas = [settings.PUBLIC_SCHEMA_NAME] + list(
            get_tenant_model()
            .objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        for done, schema_name in enumerate(schemas, start=1):
            fields = secret_fields(shared if schema_name == settings.PUBLIC_SCHEMA_NAME else set(settings.TENANT_APPS))
            with schema_context(schema_name):
                tally = secrets_reencrypt(fields)
            total.add(tally)
            self.stdout.write(
                f"[{done}/{len(schemas)}] {schema_name}: {tally.rotated} re-encrypted, {tally.current} already "
                f"current, {tally.unreadable} unreadable"
            )
        self.stdout.write(
            f"done: {total.rotated} re-encrypted, {total.current} already current, {total.unreadable} unreadable"
        )
        if total.unreadable:
            raise CommandError(
                f"{total.unreadable} secrets cannot be read with any configured key: keep the old key until their "
                "owners have entered them again (those mailboxes ask for their password)."
            )
