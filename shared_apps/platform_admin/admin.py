"""What platform staff see and do: companies with plan, state and usage (extend a trial, suspend, delete with a
typed confirmation, each audited), the plans, and the audit log. Registered on the platform admin site only."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from shared_apps.billing.models import BillingStatus, Plan, PlatformAuditEntry
from shared_apps.billing.services import tenant_delete_audited, tenant_suspension_set, trial_extend
from shared_apps.platform_admin.forms import DeletionConfirmForm, TrialExtensionForm
from shared_apps.platform_admin.models import PlatformStaff
from shared_apps.platform_admin.selectors import TenantUsage, tenant_subdomain, tenant_usage
from shared_apps.platform_admin.site import platform_admin_site
from tenants.models import Domain, Tenant

logger = logging.getLogger(__name__)
# The largest id PostgreSQL's bigint holds.
MAX_OBJECT_ID = 2**63 - 1
NO_USAGE = TenantUsage(users=None, mail_accounts=None, storage_bytes=0)


def _actor_email(request: HttpRequest) -> str:
    user = request.user
    return user.email if isinstance(user, PlatformStaff) else ""


class StaffModelAdmin(admin.ModelAdmin):
    """Django's LogEntry points at accounts.User, which staff are not: changes are logged here instead."""

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        # Django filters `pk__in` with the posted ids as they come; one that is not an id would be a 500.
        posted = request.POST.getlist(ACTION_CHECKBOX_NAME)
        ids = [value for value in posted if value.isdigit() and 0 < int(value) <= MAX_OBJECT_ID]
        if ids != posted:
            cleaned = request.POST.copy()
            cleaned.setlist(ACTION_CHECKBOX_NAME, ids)
            request.POST = cleaned  # type: ignore[assignment]
        return super().response_action(request, queryset, *args, **kwargs)

    # The stubs promise a LogEntry back; Django's admin never uses the value.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        logger.info("platform admin %s added %s %s", _actor_email(request), obj._meta.label, obj.pk)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        logger.info("platform admin %s changed %s %s", _actor_email(request), obj._meta.label, obj.pk)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:  # type: ignore[override]
        for obj in queryset:
            logger.info("platform admin %s deleted %s %s", _actor_email(request), obj._meta.label, obj.pk)

    def log_deletion(self, request: HttpRequest, obj: Any, object_repr: str) -> None:
        logger.info("platform admin %s deleted %s %s", _actor_email(request), obj._meta.label, obj.pk)


class TenantChangeList(ChangeList):
    """Reads the usage of the page's companies in one go, after the page is known."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        page = list(self.result_list)
        usage = tenant_usage(tenants=page)
        for tenant in page:
            tenant.usage = usage.get(tenant.pk, NO_USAGE)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@admin.register(Tenant, site=platform_admin_site)
class TenantAdmin(StaffModelAdmin):
    list_display = (
        "name",
        "subdomain",
        "plan",
        "subscription",
        "created_at",
        "users",
        "mail_accounts",
        "storage",
    )
    list_display_links = ("name",)
    list_filter = ("billing_account__status", "billing_account__plan")
    search_fields = ("name", "schema_name", "domains__domain")
    ordering = ("-id",)
    list_per_page = 50
    actions = ("extend_trial", "suspend", "unsuspend")
    fields = ("name", "schema_name", "subdomain", "plan", "subscription", "created_at", "timezone", "currency")
    readonly_fields = fields
    delete_confirmation_template = "platform_admin/tenant_delete_confirmation.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tenant]:
        primary = Domain.objects.filter(tenant=OuterRef("pk")).order_by("-is_primary", "id").values("domain")[:1]
        return (
            super()
            .get_queryset(request)
            .exclude(schema_name="public")
            .select_related("billing_account__plan")
            .annotate(primary_domain=Subquery(primary), plan_name=F("billing_account__plan__name"))
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return TenantChangeList

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # The bulk delete would skip the schema, the files and the typed confirmation.
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # companies come from signup or `manage.py tenant_create`

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the row is shown read-only; changes go through the actions

    @admin.display(description="Subdomain")
    def subdomain(self, tenant: Tenant) -> str:
        hostname = getattr(tenant, "primary_domain", None)
        return tenant_subdomain(tenant=tenant, hostnames=[hostname] if hostname else [])

    @admin.display(description="Plan", ordering="billing_account__plan__name")
    def plan(self, tenant: Tenant) -> str:
        account = getattr(tenant, "billing_account", None)
        if account is None:
            return "unlimited (no billing account)"
        return account.plan.name if account.plan is not None else "none"

    @admin.display(description="Subscription", ordering="billing_account__status")
    def subscription(self, tenant: Tenant) -> str:
        account = getattr(tenant, "billing_account", None)
        if account is None:
            return "—"
        state = BillingStatus(account.status).label
        if account.status == BillingStatus.TRIALING and account.trial_ends_at is not None:
            state += f" until {account.trial_ends_at:%Y-%m-%d}"
        if account.suspended_at is not None:
            state += " · suspended"
        return state

    def _usage(self, tenant: Tenant) -> TenantUsage:
        return getattr(tenant, "usage", NO_USAGE)

    @admin.display(description="Users")
    def users(self, tenant: Tenant) -> str:
        users = self._usage(tenant).users
        return "—" if users is None else str(users)

    @admin.display(description="Mail accounts")
    def mail_accounts(self, tenant: Tenant) -> str:
        mail_accounts = self._usage(tenant).mail_accounts
        return "—" if mail_accounts is None else str(mail_accounts)

    @admin.display(description="Storage")
    def storage(self, tenant: Tenant) -> str:
        return _megabytes(self._usage(tenant).storage_bytes)

    # --- actions: each one a billing service that writes the audit entry ------------------------------------

    @admin.action(description="Extend the trial of the selected companies…")
    def extend_trial(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> HttpResponse | None:
        form = TrialExtensionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            days = int(form.cleaned_data["days"])
            for tenant in queryset:
                trial_extend(actor_email=_actor_email(request), tenant_id=tenant.pk, days=days)
            self.message_user(request, f"Extended the trial of {len(queryset)} companies by {days} days.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Extend the free trial",
            "opts": self.model._meta,
            "form": form,
            "tenants": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "platform_admin/tenant_trial_extension.html", context)

    @admin.action(description="Suspend the selected companies (read-only)")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._suspension_set(request, queryset, suspended=True)

    @admin.action(description="Lift the suspension of the selected companies")
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        self._suspension_set(request, queryset, suspended=False)

    def _suspension_set(self, request: HttpRequest, queryset: QuerySet[Tenant], *, suspended: bool) -> None:
        for tenant in queryset:
            tenant_suspension_set(actor_email=_actor_email(request), tenant_id=tenant.pk, suspended=suspended)
        verb = "Suspended" if suspended else "Lifted the suspension of"
        self.message_user(request, f"{verb} {len(queryset)} companies.")

    # --- deletion: one company at a time, confirmed by typing its subdomain ---------------------------------

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        tenant = self.get_object(request, object_id)
        if tenant is None:
            self.message_user(request, "No such company; it may have been deleted.", messages.WARNING)
            return HttpResponseRedirect(reverse("platform_admin:tenants_tenant_changelist"))
        expected = self.subdomain(tenant)
        form = DeletionConfirmForm(request.POST if request.method == "POST" else None, expected=expected)
        if form.is_bound and form.is_valid():
            name = tenant.name
            tenant_delete_audited(actor_email=_actor_email(request), tenant_id=tenant.pk)
            self.message_user(request, f"Deleted {name} ({expected}), its schema and its files.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("platform_admin:tenants_tenant_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Delete {tenant.name}",
            "opts": self.model._meta,
            "object": tenant,
            "subdomain": expected,
            "form": form,
        }
        return TemplateResponse(request, self.delete_confirmation_template, context)


@admin.register(Plan, site=platform_admin_site)
class PlanAdmin(StaffModelAdmin):
    list_display = (
        "code",
        "name",
        "max_users",
        "max_mail_accounts",
        "max_storage_mb",
        "max_contacts",
        "monthly_price_cents",
        "currency",
        "trial_days",
        "stripe_price_id",
        "is_public",
        "is_default",
        "sort_order",
    )
    list_editable = ("sort_order",)
    search_fields = ("code", "name", "stripe_price_id")


@admin.register(PlatformAuditEntry, site=platform_admin_site)
class PlatformAuditEntryAdmin(StaffModelAdmin):
    list_display = ("created_at", "actor_email", "action", "tenant_name", "schema_name", "detail_text")
    list_filter = ("action",)
    search_fields = ("actor_email", "tenant_name", "schema_name")

    @admin.display(description="Detail")
    def detail_text(self, entry: PlatformAuditEntry) -> str:
        return format_html("<code>{}</code>", entry.detail)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
