"""Shapes of the accounts API: strict input serializers (unknown fields and wrong JSON types are errors) and
output serializers. They parse and present; the rules live in services.py and selectors.py.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from tenant_apps.accounts.models import ApiToken, Invitation, Role, User

PASSWORD_MAX_LENGTH = 1024


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings (DRF's own turns 42 into "42")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true and false (DRF's own also takes "yes", "on", 1...)."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


def password_field(**kwargs: Any) -> StrictCharField:
    return StrictCharField(
        write_only=True,
        trim_whitespace=False,
        max_length=PASSWORD_MAX_LENGTH,
        style={"input_type": "password"},
        **kwargs,
    )


# Refuses fields it does not know, so a typo ("fullname") is an error instead of being ignored.
# (A comment, not a docstring: drf-spectacular would copy a docstring into every request schema.)
class InputSerializer(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in known)
            if unknown:
                raise serializers.ValidationError({name: ["This field is not accepted here."] for name in unknown})
        return super().to_internal_value(data)


# --- auth -----------------------------------------------------------------------------------------------------


class CsrfTokenSerializer(serializers.Serializer):
    csrf_token = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class LoginSerializer(InputSerializer):
    email = StrictEmailField(max_length=254)
    password = password_field()


# A read-only ModelSerializer that reads its model's fields once per class, not once per instance.
# ModelSerializer introspects the model and builds every field again for each instance (0.1 ms for a user); here
# the first instance's unbound fields are kept as the class's template and each instance gets deep copies, as DRF
# does with declared fields. Only for serializers whose fields depend on nothing but the class. (A comment, not a
# docstring: the OpenAPI schema would give every subclass its text as a description.)
#
# Presenting goes the short way too: DRF's to_representation copies every field for each serializer (the list
# serializer's child included), then asks each field to read its attribute through a chain of generic checks.
# Where every field reads one plain attribute of the instance (a column or a property; no method, no relation
# shown as a key or a link, no default but a column's), the class keeps a plan once, (name, attribute, present)
# per field, and an instance is presented by reading the attributes and presenting the values that are not None,
# as DRF's own loop does. Any other class, and any instance that is a mapping, goes DRF's way.
class OutputModelSerializer(serializers.ModelSerializer):
    _fields_template: ClassVar[dict[str, serializers.Field] | None] = None
    _plan: ClassVar[tuple[tuple[str, str, Callable[..., Any], bool], ...] | None] = None

    def get_fields(self) -> dict[str, serializers.Field]:
        template = type(self).__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            type(self)._fields_template = template
        return copy.deepcopy(template)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = type(self).__dict__.get("_plan")
        if plan is None:
            plan = type(self)._plan = self._plan_build()
        if not plan or isinstance(instance, Mapping):
            return dict(super().to_representation(instance))
        represented: dict[str, Any] = {}
        zone = None
        for name, attribute, present, zoned in plan:
            value = getattr(instance, attribute)
            if value is None:
                represented[name] = None
            elif zoned:
                if zone is None:
                    zone = timezone.get_current_timezone()
                represented[name] = present(value, zone)
            else:
                represented[name] = present(value)
        return represented

    def _plan_build(self) -> tuple[tuple[str, str, Callable[..., Any], bool], ...]:
        """The plan of this class, or () where some field needs DRF's general way."""
        model = self.Meta.model
        plan = []
        for field in self._readable_fields:
            attribute = field.source_attrs[0] if len(field.source_attrs) == 1 else ""
            on_class = getattr(model, attribute, None) if attribute else None
            plain = (
                attribute
                and field.source != "*"
                # A default stands in for an attribute the instance lacks; a column's it never lacks.
                and (field.default is empty or isinstance(on_class, DeferredAttribute))
                and not isinstance(field, serializers.RelatedField | serializers.ManyRelatedField)
                and not isinstance(field, serializers.ListSerializer)
                and not inspect.isfunction(on_class)
                and not isinstance(on_class, classmethod | staticmethod)
                and (not isinstance(field, serializers.BaseSerializer) or isinstance(field, OutputModelSerializer))
            )
            if not plain:
                return ()
            present, zoned = _presenter(field)
            plan.append((str(field.field_name), attribute, present, zoned))
        return tuple(plan)


def _presenter(field: serializers.Field) -> tuple[Callable[..., Any], bool]:
    """How the plan presents a value of `field`, and whether it needs the active time zone: the field's own
    to_representation(value), or for a plain ISO 8601 datetime field the same text made directly,
    present(value, zone) (DRF's way looks the field's format and the time zone up again for every value; here the
    zone is looked up once per instance)."""
    general = field.to_representation
    iso = str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    if type(field) is not serializers.DateTimeField or hasattr(field, "timezone") or not iso or not settings.USE_TZ:
        return general, False

    def present(value: Any, zone: tzinfo) -> Any:
        if type(value) is not datetime or value.utcoffset() is None:
            return general(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return general(value)  # refused as DRF refuses it
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return present, True


class UserSerializer(OutputModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "is_active", "date_joined", "last_login"]
        read_only_fields = fields


class MeUpdateSerializer(InputSerializer):
    full_name = StrictCharField(max_length=150, allow_blank=True, required=False)
    current_password = password_field(required=False)
    new_password = password_field(required=False)


class PasswordResetRequestSerializer(InputSerializer):
    email = StrictEmailField(max_length=254)


class PasswordResetConfirmSerializer(InputSerializer):
    uid = StrictCharField(max_length=64)
    token = StrictCharField(max_length=128)
    new_password = password_field()


# --- users ----------------------------------------------------------------------------------------------------


class MeSerializer(UserSerializer):
    """The signed-in person: the same fields an admin sees of anyone."""


class UserUpdateSerializer(InputSerializer):
    role = StrictChoiceField(choices=Role.choices, required=False)
    is_active = StrictBooleanField(required=False)
    full_name = StrictCharField(max_length=150, allow_blank=True, required=False)


# --- invitations ----------------------------------------------------------------------------------------------


INVITATION_STATUS_CHOICES = [
    ("pending", "Pending"),
    ("accepted", "Accepted"),
    ("revoked", "Revoked"),
    ("expired", "Expired"),
]


class InviterSerializer(OutputModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class InvitationSerializer(OutputModelSerializer):
    status = serializers.ChoiceField(choices=INVITATION_STATUS_CHOICES, read_only=True)
    invited_by = InviterSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(InputSerializer):
    email = StrictEmailField(max_length=254)
    role = StrictChoiceField(choices=Role.choices, default=Role.MEMBER)


class InvitationAcceptSerializer(InputSerializer):
    token = StrictCharField(max_length=1024)
    full_name = StrictCharField(max_length=150)
    password = password_field()


# --- API tokens -----------------------------------------------------------------------------------------------


class ApiTokenSerializer(OutputModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The full token. It is shown this once and never again.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiTokenCreateSerializer(InputSerializer):
    name = StrictCharField(max_length=100)


# --- company settings -----------------------------------------------------------------------------------------


class TenantSettingsSerializer(serializers.Serializer):
    name = serializers.CharField()
    timezone = serializers.CharField(help_text="An IANA time zone name, e.g. 'Europe/Berlin'.")
    currency = serializers.CharField(help_text="An ISO 4217 currency code, e.g. 'EUR'.")
    logo_url = serializers.CharField(allow_null=True, help_text="Where the logo is served; null without a logo.")


class TenantBrandSerializer(serializers.Serializer):
    name = serializers.CharField()
    logo_url = serializers.CharField(allow_null=True, help_text="Where the logo is served; null without a logo.")


class TenantSettingsUpdateSerializer(InputSerializer):
    name = StrictCharField(max_length=100, required=False)
    timezone = StrictCharField(max_length=64, required=False, help_text="An IANA time zone name, e.g. 'Europe/Berlin'.")
    currency = StrictCharField(
        required=False,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use the three capital letters of an ISO 4217 code, e.g. 'EUR'.")],
        help_text="An ISO 4217 currency code, e.g. 'EUR'.",
    )


class LogoUploadSerializer(InputSerializer):
    logo = serializers.FileField(help_text="A PNG, JPEG or WebP image.")
