"""Plain-text emails of the accounts app: what they say, not how they are sent (tasks.py sends them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class EmailMessageText:
    subject: str
    body: str


def invitation_email(
    *, company_name: str, inviter_name: str, role_label: str, accept_url: str, expires_at: datetime
) -> EmailMessageText:
    inviter = inviter_name or "A colleague"
    return EmailMessageText(
        subject=f"You are invited to join {company_name} on Atrium",
        body=(
            f"Hello,\n\n"
            f"{inviter} invited you to join {company_name} on Atrium as {role_label.lower()}.\n\n"
            f"Accept the invitation and choose your password here:\n{accept_url}\n\n"
            f"The link works once and expires on {expires_at:%Y-%m-%d %H:%M} UTC.\n"
            f"If you did not expect this invitation, you can ignore this email.\n"
        ),
    )


def password_reset_email(*, company_name: str, reset_url: str, valid_minutes: int) -> EmailMessageText:
    return EmailMessageText(
        subject=f"Reset your {company_name} password on Atrium",
        body=(
            f"Hello,\n\n"
            f"Someone asked to reset the password of your {company_name} account on Atrium.\n\n"
            f"Choose a new password here:\n{reset_url}\n\n"
            f"The link works once and for {valid_minutes} minutes. After the reset, every device signed in to\n"
            f"your account is signed out.\n"
            f"If you did not ask for this, you can ignore this email; your password stays as it is.\n"
        ),
    )
