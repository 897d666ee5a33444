// Turns the dashboard API's figures into what the charts and the sync health list show.
import type { ChartDatum } from "@/modules/charts/types";

export type MailDay = { day: string; received: number; sent: number };

// A calendar day from the API ("2026-11-03") is read and printed in UTC, so no browser time zone shifts it.
const SHORT_DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const LONG_DAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });

export function mailActivityChartData(days: MailDay[]): ChartDatum[] {
  return days.map((day) => {
    const date = new Date(`${day.day}T00:00:00Z`);
    return { label: SHORT_DAY.format(date), longLabel: LONG_DAY.format(date), values: { received: day.received, sent: day.sent } };
  });
}

export function mailTotals(days: MailDay[]): { received: number; sent: number } {
  return days.reduce((totals, day) => ({ received: totals.received + day.received, sent: totals.sent + day.sent }), { received: 0, sent: 0 });
}

/** "just now", "12 min ago", "3 h ago", "2 days ago", or "never" for an account that never finished a sync. */
export function syncLagLabel(lagSeconds: number | null): string {
  if (lagSeconds === null) return "never";
  if (lagSeconds < 60) return "just now";
  if (lagSeconds < 3600) return `${Math.floor(lagSeconds / 60)} min ago`;
  if (lagSeconds < 86_400) return `${Math.floor(lagSeconds / 3600)} h ago`;
  const days = Math.floor(lagSeconds / 86_400);
  return `${days} ${days === 1 ? "day" : "days"} ago`;
}

// A sync older than this while the account is fine still deserves a look (the periodic sync runs every few minutes).
const STALE_AFTER_SECONDS = 3600;

export type Health = { tone: "success" | "warning" | "danger" | "brand"; label: string };

const STATUS_LABELS: Record<string, string> = {
  auth_failed: "Sign-in refused",
  reauth_required: "Needs sign-in again",
  unreachable: "Server unreachable",
  tls_error: "TLS error",
  protocol_error: "Server error",
};

export function accountHealth(account: { status: string; sync_state: string; lag_seconds: number | null }): Health {
  if (account.status !== "ok") return { tone: "danger", label: STATUS_LABELS[account.status] ?? "Problem" };
  if (account.sync_state === "syncing") return { tone: "brand", label: "Syncing" };
  if (account.sync_state === "failed") return { tone: "danger", label: "Sync failed" };
  if (account.lag_seconds === null || account.lag_seconds > STALE_AFTER_SECONDS) return { tone: "warning", label: "Behind" };
  return { tone: "success", label: "Up to date" };
}
