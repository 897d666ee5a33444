// The audit log screen's filters as the user picks them (action, person, a day range in their own time zone)
// and the query string the API takes for them.
import type { AuditAction } from "@/api/schemas";

export type AuditFilters = {
  action: AuditAction | "";
  actor: string; // a user id as the <select> holds it, "" for everyone
  from: string; // YYYY-MM-DD from <input type="date">, "" for no lower bound
  to: string; // YYYY-MM-DD, inclusive
};

export type AuditQuery = {
  action?: AuditAction;
  actor?: number;
  since?: string;
  until?: string;
};

export const NO_FILTERS: AuditFilters = { action: "", actor: "", from: "", to: "" };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight at the start of `day` (or of the day after it), as an ISO instant; undefined if not a date. */
export function dayStart(day: string, plusDays = 0): string | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The API query for the chosen filters: the "to" day is included, so `until` is the midnight after it. */
export function auditQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  if (filters.action) query.action = filters.action;
  const actor = Number(filters.actor);
  if (filters.actor && Number.isSafeInteger(actor) && actor > 0) query.actor = actor;
  const since = dayStart(filters.from);
  const until = dayStart(filters.to, 1);
  if (since) query.since = since;
  if (until) query.until = until;
  return query;
}

/** A problem with the day range the user can fix before asking the server, or null. */
export function rangeProblem(filters: AuditFilters): string | null {
  const since = dayStart(filters.from);
  const until = dayStart(filters.to, 1);
  if (since && until && since >= until) return "The “to” day must not be before the “from” day.";
  return null;
}
