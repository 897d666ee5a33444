from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class BillingConfig(AppConfig):
    name = "shared_apps.billing"
    label = "billing"
    verbose_name = "Billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shared_apps.billing.models import BillingAccount, Plan
        from shared_apps.billing.signals import billing_account_changed, plan_changed

        post_save.connect(billing_account_changed, sender=BillingAccount, dispatch_uid="billing-account-save")
        post_delete.connect(billing_account_changed, sender=BillingAccount, dispatch_uid="billing-account-delete")
        post_save.connect(plan_changed, sender=Plan, dispatch_uid="billing-plan-save")
        post_delete.connect(plan_changed, sender=Plan, dispatch_uid="billing-plan-delete")
