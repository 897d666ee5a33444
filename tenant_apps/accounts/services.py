"""Every change to a company's accounts: sign-in and sessions, profiles, roles, invitations, API tokens, and
the company's own settings. Each function is one transaction; emails leave only after it commits.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import urlsafe_base64_decode
from rest_framework.exceptions import NotFound, PermissionDenied

from shared_apps.billing.selectors import plan_limit_ensure
from shared_apps.signup.exceptions import EmailUnverified
from shared_apps.signup.selectors import owner_email_unverified
from tenant_apps.accounts import ratelimit
from tenant_apps.accounts.authentication import TOKEN_PREFIX, token_hash
from tenant_apps.accounts.currencies import CURRENCY_CODES
from tenant_apps.accounts.exceptions import InvalidCredentials, LogoTooLarge
from tenant_apps.accounts.images import image_kind, looks_like_svg
from tenant_apps.accounts.links import (
    InvalidInvitationToken,
    current_schema_name,
    invitation_token_make,
    invitation_token_read,
    nonce_hash,
    password_reset_tokens,
)
from tenant_apps.accounts.models import ApiToken, Invitation, Role, User
from tenant_apps.accounts.selectors import available_timezones, require_admin
from tenant_apps.accounts.tasks import send_invitation_email, send_password_reset_email
from tenant_apps.accounts.token_cache import auth_cache_invalidate, token_retire
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import audit_record
from tenant_apps.webhooks.events import EventType
from tenant_apps.webhooks.services import event_emit as webhook_event_emit
from tenants.db import connection
from tenants.models import Tenant
from tenants.routing import tenant_hosts_forget

LOGIN_BACKEND = "tenant_apps.accounts.backends.EmailBackend"
# The largest id PostgreSQL's bigint holds; larger ids in a URL or link simply do not exist.
MAX_OBJECT_ID = 2**63 - 1


def email_normalize(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _password_check(password: str, user: User, field: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: list(exc.messages)}) from exc


# --- sessions -------------------------------------------------------------------------------------------------


def session_login(*, request: HttpRequest, email: str, password: str) -> User:
    """Sign in with email and password, throttled per client IP and per email (ratelimit.RateLimitExceeded)."""
    email = email_normalize(email)
    schema_name = current_schema_name()
    ip = ratelimit.client_ip(request)
    ratelimit.login_attempt_check(schema_name=schema_name, email=email, ip=ip)
    user = authenticate(request, email=email, password=password)
    if not isinstance(user, User):
        ratelimit.login_failure_record(schema_name=schema_name, email=email, ip=ip)
        audit_record(request, AuditAction.SIGN_IN_FAILED, email=email)
        raise InvalidCredentials()
    tenant = getattr(request, "tenant", None)
    # Only after the password matched, so the answer tells nothing about an address to someone without it.
    if tenant is not None and owner_email_unverified(tenant_id=tenant.pk, user_id=user.pk):
        raise EmailUnverified()
    with transaction.atomic():
        login(request, user)  # a new session key: no session fixation
        audit_record(user, AuditAction.SIGN_IN, user)
    ratelimit.login_success_record(schema_name=schema_name, email=email)
    return user


def session_logout(*, request: HttpRequest) -> None:
    logout(request)


def session_logout_everywhere(*, request: HttpRequest, user: User) -> User:
    """End every session of `user` except the one making this request, which gets a new key and stays signed in."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        auth_cache_invalidate()
        user.refresh_from_db(fields=["session_generation"])
        if _is_session_of(request, user):
            update_session_auth_hash(request, user)
        audit_record(user, AuditAction.SIGN_OUT_EVERYWHERE, user)
    return user


def _is_session_of(request: HttpRequest, user: User) -> bool:
    # A request signed in with an API token has no session worth keeping (and must not be given one).
    return str(request.session.get(SESSION_KEY, "")) == str(user.pk)


# --- own profile and password ---------------------------------------------------------------------------------


def user_profile_update(
    *,
    request: HttpRequest,
    user: User,
    full_name: str | None = None,
    current_password: str | None = None,
    new_password: str | None = None,
) -> User:
    """Change one's own name and/or password; a new password needs the current one and ends other sessions."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        fields: list[str] = []
        if full_name is not None:
            user.full_name = full_name.strip()
            fields.append("full_name")
        if new_password is not None:
            if not current_password or not user.check_password(current_password):
                raise ValidationError({"current_password": ["The current password is wrong."]})
            _password_check(new_password, user, "new_password")
            user.set_password(new_password)
            fields.append("password")
        if current_password is not None and new_password is None:
            raise ValidationError({"new_password": ["Enter the new password."]})
        if fields:
            user.save(update_fields=fields)
            auth_cache_invalidate()
        if "password" in fields and _is_session_of(request, user):
            # The password is part of the session hash: this session is re-signed, all others end.
            update_session_auth_hash(request, user)
        if "password" in fields:
            audit_record(user, AuditAction.PASSWORD_CHANGE, user)
    return user


def password_reset_request(*, request: HttpRequest, email: str) -> None:
    """Queue a reset email. The task looks the user up, so the answer and its timing never show who exists.

    Throttled per email and per client IP (ratelimit.RateLimitExceeded), so an address cannot be mail-bombed.
    """
    email = email_normalize(email)
    ratelimit.password_reset_request_record(
        schema_name=current_schema_name(), email=email, ip=ratelimit.client_ip(request)
    )
    transaction.on_commit(partial(send_password_reset_email.delay, email=email))


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link then stops working and every session ends."""
    invalid = ValidationError({"token": ["This password reset link is invalid or has expired."]})
    try:
        user_id = int(urlsafe_base64_decode(uid).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    if not 0 < user_id <= MAX_OBJECT_ID:
        raise invalid
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not password_reset_tokens(current_schema_name()).check_token(user, token):
            raise invalid
        _password_check(new_password, user, "new_password")
        user.set_password(new_password)
        user.session_generation += 1
        user.save(update_fields=["password", "session_generation"])
        auth_cache_invalidate()
        audit_record(user, AuditAction.PASSWORD_RESET, user)
    return user


# --- users (admin) --------------------------------------------------------------------------------------------


def user_update(
    *,
    actor: User,
    user_id: int,
    role: str | None = None,
    is_active: bool | None = None,
    full_name: str | None = None,
) -> User:
    """Change another person's role, active flag or name.

    Rules: only owners and admins change people; only an owner grants or revokes the owner role or changes an
    owner at all; nobody changes their own role or deactivates themselves; the company always keeps at least
    one active owner. Deactivating ends the person's sessions and revokes their API tokens.
    """
    require_admin(actor)
    with transaction.atomic():
        target = User.objects.filter(pk=user_id).first() if user_id <= MAX_OBJECT_ID else None
        if target is None:
            raise NotFound("No such user.")
        if target.role == Role.OWNER or role == Role.OWNER:
            # Lock every active owner in id order first, so two owners demoting each other at the same time
            # are serialized (and cannot deadlock) and the last-owner check below sees the truth.
            list(User.objects.select_for_update().filter(role=Role.OWNER, is_active=True).order_by("pk"))
        target = User.objects.select_for_update().get(pk=target.pk)

        role_changes = role is not None and role != target.role
        role_before = target.role
        deactivates = is_active is False and target.is_active
        if (target.role == Role.OWNER or role == Role.OWNER) and not actor.is_owner:
            raise PermissionDenied("Only an owner can grant or revoke the owner role, or change an owner.")
        if target.pk == actor.pk and role_changes:
            raise PermissionDenied("You cannot change your own role.")
        if target.pk == actor.pk and deactivates:
            raise PermissionDenied("You cannot deactivate your own account.")
        if target.role == Role.OWNER and target.is_active and (role_changes or deactivates):
            other_owners = User.objects.filter(role=Role.OWNER, is_active=True).exclude(pk=target.pk)
            if not other_owners.exists():
                field = "role" if role_changes else "is_active"
                raise ValidationError({field: ["The company must keep at least one active owner."]})

        if is_active is True and not target.is_active:
            # Coming back takes a seat like a new person would.
            _user_limit_ensure(replacing_email=target.email, now=timezone.now())

        fields: list[str] = []
        if role_changes and role is not None:
            target.role = role
            fields.append("role")
        if full_name is not None and full_name.strip() != target.full_name:
            target.full_name = full_name.strip()
            fields.append("full_name")
        if is_active is not None and is_active != target.is_active:
            target.is_active = is_active
            fields.append("is_active")
        if deactivates:
            target.session_generation += 1
            fields.append("session_generation")
            ApiToken.objects.filter(user=target, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if fields:
            target.save(update_fields=fields)
            auth_cache_invalidate()
        _user_update_audit(actor=actor, target=target, fields=fields, role_before=role_before)
    return target


def _user_update_audit(*, actor: User, target: User, fields: list[str], role_before: str) -> None:
    if "role" in fields:
        audit_record(actor, AuditAction.USER_ROLE_CHANGE, target, role_before=role_before, role_after=target.role)
    if "is_active" in fields:
        action = AuditAction.USER_REACTIVATE if target.is_active else AuditAction.USER_DEACTIVATE
        audit_record(actor, action, target)


def user_deactivate(*, actor: User, user_id: int) -> User:
    return user_update(actor=actor, user_id=user_id, is_active=False)


# --- invitations ----------------------------------------------------------------------------------------------


def _current_tenant_id() -> int | None:
    """The current schema's company: the one routing put on the connection, or (tasks, schema_context) looked up."""
    schema_name = current_schema_name()
    routed = connection.tenant
    if isinstance(routed, Tenant) and routed.schema_name == schema_name:
        return int(routed.pk)
    return Tenant.objects.filter(schema_name=schema_name).values_list("pk", flat=True).first()


def _user_limit_ensure(*, replacing_email: str, now: datetime) -> None:
    """The plan's user limit counts active people and open invitations (a replaced invitation is not counted)."""
    tenant_id = _current_tenant_id()
    if tenant_id is None:
        return

    def in_use() -> int:
        open_invitations = Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).exclude(email=replacing_email)
        return User.objects.filter(is_active=True).count() + open_invitations.count()

    plan_limit_ensure(tenant_id=tenant_id, resource="users", in_use=in_use)


def invitation_create(*, actor: User, email: str, role: str = Role.MEMBER) -> Invitation:
    """Invite someone by email. Inviting an email with an open invitation replaces it (the old link stops working)."""
    require_admin(actor)
    if role == Role.OWNER and not actor.is_owner:
        raise PermissionDenied("Only an owner can invite an owner.")
    email = email_normalize(email)
    now = timezone.now()
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            raise ValidationError({"email": ["A user with this email already exists."]})
        _user_limit_ensure(replacing_email=email, now=now)
        Invitation.objects.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        nonce = secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    email=email,
                    role=role,
                    invited_by=actor,
                    nonce_hash=nonce_hash(nonce),
                    expires_at=now + timedelta(seconds=int(settings.INVITATION_MAX_AGE_SECONDS)),
                )
        except IntegrityError:
            # Another admin invited the same email at the same moment.
            raise ValidationError({"email": ["An invitation for this email was just sent; try again."]}) from None
        token = invitation_token_make(schema_name=current_schema_name(), invitation_id=invitation.pk, nonce=nonce)
        transaction.on_commit(partial(send_invitation_email.delay, invitation_id=invitation.pk, token=token))
        webhook_event_emit(
            event_type=EventType.USER_INVITED,
            data={"invitation_id": invitation.pk, "email": email, "role": role, "invited_by": actor.email},
        )
        audit_record(actor, AuditAction.INVITATION_CREATE, invitation, role=role)
    return invitation


def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    """Revoke an invitation so its link stops working; revoking twice is harmless."""
    require_admin(actor)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(pk=invitation_id).first()
            if invitation_id <= MAX_OBJECT_ID
            else None
        )
        if invitation is None:
            raise NotFound("No such invitation.")
        if invitation.accepted_at is not None:
            raise ValidationError("This invitation was already accepted; deactivate the user instead.")
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            audit_record(actor, AuditAction.INVITATION_REVOKE, invitation)
    return invitation


def invitation_accept(*, request: HttpRequest, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account with the invited role, and sign them in. A link works once."""
    invalid = ValidationError({"token": ["This invitation link is invalid or has expired."]})
    try:
        invitation_id, nonce = invitation_token_read(schema_name=current_schema_name(), token=token)
    except InvalidInvitationToken:
        raise invalid from None
    if not 0 < invitation_id <= MAX_OBJECT_ID:
        raise invalid
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or not constant_time_compare(invitation.nonce_hash, nonce_hash(nonce)):
            raise invalid
        match invitation.status:
            case "accepted":
                raise ValidationError({"token": ["This invitation was already used; sign in instead."]})
            case "revoked":
                raise ValidationError({"token": ["This invitation was revoked."]})
            case "expired":
                raise ValidationError({"token": ["This invitation has expired; ask for a new one."]})
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError({"token": ["An account with this email already exists; sign in instead."]})
        full_name = full_name.strip()
        _password_check(password, User(email=invitation.email, full_name=full_name), "password")
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        webhook_event_emit(
            event_type=EventType.USER_JOINED,
            data={"user_id": user.pk, "email": user.email, "role": user.role, "invitation_id": invitation.pk},
        )
        login(request, user, backend=LOGIN_BACKEND)
        audit_record(user, AuditAction.INVITATION_ACCEPT, invitation, role=invitation.role)
    return user


# --- API tokens (own) -----------------------------------------------------------------------------------------


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token and its secret, which is returned this once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user, name=name.strip(), prefix=secret[:12], key_hash=token_hash(secret)
        )
        audit_record(user, AuditAction.API_TOKEN_CREATE, api_token)
    return api_token, secret


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        api_token = (
            ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
            if token_id <= MAX_OBJECT_ID
            else None
        )
        if api_token is None:
            raise NotFound("No such token.")
        if api_token.revoked_at is None:
            api_token.revoked_at = timezone.now()
            api_token.save(update_fields=["revoked_at"])
            token_retire(api_token.key_hash)
            audit_record(user, AuditAction.API_TOKEN_REVOKE, api_token)
    return api_token


# --- company settings (admin) ---------------------------------------------------------------------------------


def tenant_settings_update(
    *,
    actor: User,
    tenant_id: int,
    name: str | None = None,
    timezone_name: str | None = None,
    currency: str | None = None,
) -> Tenant:
    require_admin(actor)
    errors: dict[str, list[str]] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = ["Enter the company's name."]
    if timezone_name is not None and timezone_name not in available_timezones():
        errors["timezone"] = [f"'{timezone_name}' is not a known time zone (e.g. 'Europe/Berlin')."]
    if currency is not None and currency not in CURRENCY_CODES:
        errors["currency"] = [f"'{currency}' is not an ISO 4217 currency code in circulation."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
        fields: list[str] = []
        for field, value in (("name", name), ("timezone", timezone_name), ("currency", currency)):
            if value is not None and getattr(tenant, field) != value:
                setattr(tenant, field, value)
                fields.append(field)
        if fields:
            tenant.save(update_fields=fields)
            transaction.on_commit(partial(tenant_hosts_forget, tenant))
            audit_record(actor, AuditAction.SETTINGS_CHANGE, tenant, changed=fields)
    return tenant


def _logo_directory(tenant_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "tenants" / str(tenant_id)


def _file_remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def tenant_logo_replace(*, actor: User, tenant_id: int, content: bytes) -> Tenant:
    """Store a new logo (PNG, JPEG or WebP, recognized by its bytes) and drop the old file after commit."""
    require_admin(actor)
    if len(content) > int(settings.MAX_LOGO_BYTES):
        raise LogoTooLarge(f"A logo may be at most {int(settings.MAX_LOGO_BYTES)} bytes.")
    kind = image_kind(content[:16])
    if kind is None:
        if looks_like_svg(content[:1024]):
            raise ValidationError({"logo": ["SVG logos are not accepted; upload a PNG, JPEG or WebP image."]})
        raise ValidationError({"logo": ["The file is not a PNG, JPEG or WebP image."]})

    directory = _logo_directory(tenant_id)
    directory.mkdir(parents=True, exist_ok=True)
    filename = f"logo-{secrets.token_hex(8)}{kind.extension}"
    final_path = directory / filename
    partial_path = directory / f".{filename}.part"
    partial_path.write_bytes(content)
    os.replace(partial_path, final_path)  # readers never see half a file
    try:
        with transaction.atomic():
            tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
            old_path = tenant.logo_path
            tenant.logo_path = f"tenants/{tenant_id}/{filename}"
            tenant.save(update_fields=["logo_path"])
            transaction.on_commit(partial(tenant_hosts_forget, tenant))
            audit_record(actor, AuditAction.LOGO_CHANGE, tenant, change="replaced")
            if old_path:
                transaction.on_commit(partial(_file_remove, Path(settings.MEDIA_ROOT) / old_path))
    except BaseException:
        _file_remove(final_path)
        raise
    return tenant


def tenant_logo_delete(*, actor: User, tenant_id: int) -> Tenant:
    require_admin(actor)
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
        old_path = tenant.logo_path
        if old_path:
            tenant.logo_path = ""
            tenant.save(update_fields=["logo_path"])
            audit_record(actor, AuditAction.LOGO_CHANGE, tenant, change="removed")
            transaction.on_commit(partial(tenant_hosts_forget, tenant))
            transaction.on_commit(partial(_file_remove, Path(settings.MEDIA_ROOT) / old_path))
    return tenant
