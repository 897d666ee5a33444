"""Plain-text emails of the mail app: what they say, not how they are sent (tasks.py sends them)."""

from __future__ import annotations

from tenant_apps.accounts.emails import EmailMessageText


def reauth_required_email(
    *, company_name: str, account_email: str, provider_label: str, problem: str, reconnect_url: str
) -> EmailMessageText:
    return EmailMessageText(
        subject=f"Sign in again to keep {account_email} connected to {company_name} on Atrium",
        body=(
            f"Hello,\n\n"
            f"Atrium can no longer read or send mail for {account_email}: {provider_label} stopped accepting its\n"
            f"access. That happens when the access was removed in the {provider_label} account, the password\n"
            f"changed, or the sign-in expired.\n\n"
            f"What {provider_label} said: {problem}\n\n"
            f"Sign in with {provider_label} again here (while signed in to Atrium):\n{reconnect_url}\n\n"
            f"Until then the mailbox is not synced and nothing can be sent from it. Nothing was deleted.\n"
        ),
    )
