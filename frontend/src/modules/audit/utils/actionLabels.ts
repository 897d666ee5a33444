// The audit catalogue in the user's words, for the action filter; typed by the API's enum, so a new action on
// the server fails the type check until it has a label here.
import type { AuditAction } from "@/api/schemas";

export const ACTION_LABELS: Record<AuditAction, string> = {
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Sign-in failed",
  "auth.sign_out_everywhere": "Signed out everywhere",
  "auth.password_reset": "Password reset",
  "auth.password_change": "Password changed",
  "user.role_change": "Role changed",
  "user.deactivate": "User deactivated",
  "user.reactivate": "User reactivated",
  "invitation.create": "Invitation sent",
  "invitation.revoke": "Invitation revoked",
  "invitation.accept": "Invitation accepted",
  "api_token.create": "API token created",
  "api_token.revoke": "API token revoked",
  "settings.change": "Company settings changed",
  "settings.logo_change": "Company logo changed",
  "mail_account.create": "Mail account connected",
  "mail_account.delete": "Mail account removed",
  "mail_account.share": "Mail account sharing changed",
};

export const ACTION_OPTIONS = (Object.keys(ACTION_LABELS) as AuditAction[]).map((value) => ({ value, label: ACTION_LABELS[value] }));

/** The details of an event as short "key: value" text (they never hold secrets; the server drops those). */
export function detailsText(details: Record<string, unknown> | null | undefined): string {
  if (!details) return "";
  return Object.entries(details)
    .map(([key, value]) => `${key.replaceAll("_", " ")}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join(" · ");
}
