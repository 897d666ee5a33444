"use client";

import { useMemo, useState } from "react";

import type { AuditEvent } from "@/api/schemas";
import { Badge } from "@/modules/ui/components/Badge";
import { Card } from "@/modules/ui/components/Card";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";
import { Table, type Column } from "@/modules/ui/components/Table";

import { useUsers } from "../../team/hooks/useTeam";
import { useAuditEvents } from "../hooks/useAuditEvents";
import { detailsText } from "../utils/actionLabels";
import { NO_FILTERS, auditQuery, rangeProblem, type AuditFilters } from "../utils/auditQuery";
import { AuditFiltersForm } from "./AuditFiltersForm";

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

const columns: Column<AuditEvent>[] = [
  { header: "When", cell: (event) => <time dateTime={event.at}>{when(event.at)}</time> },
  {
    header: "Action",
    cell: (event) => <Badge tone={event.action === "auth.sign_in_failed" ? "danger" : "neutral"}>{event.action_label}</Badge>,
  },
  { header: "Who", cell: (event) => event.actor_email || <span className="text-slate-400">Anonymous</span> },
  { header: "What", cell: (event) => event.target_label || "—" },
  {
    header: "Details",
    className: "px-5 py-3 text-slate-600",
    cell: (event) => <span className="text-xs">{detailsText(event.details as Record<string, unknown>)}</span>,
  },
  {
    header: "From",
    cell: (event) => (
      <span className="text-xs text-slate-500" title={event.user_agent}>
        {event.ip ?? "—"}
      </span>
    ),
  },
];

export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const rangeError = rangeProblem(filters);
  const query = useMemo(() => auditQuery(filters), [filters]);
  const events = useAuditEvents(query);
  const people = useUsers();

  return (
    <>
      <PageHeader title="Audit log" description="Who signed in, changed people, tokens, settings or mail accounts, and when. Entries cannot be edited or deleted." />
      <div className="space-y-6">
        <Card title="Filters">
          <AuditFiltersForm filters={filters} people={people.data ?? []} rangeError={rangeError} onChange={setFilters} />
        </Card>
        <Card title="Events">
          {rangeError ? (
            <EmptyState title="Check the dates">{rangeError}</EmptyState>
          ) : events.isPending ? (
            <Spinner label="Loading the audit log" />
          ) : events.isError ? (
            <ErrorState error={events.error} onRetry={() => void events.refetch()} />
          ) : events.data.length === 0 ? (
            <EmptyState title="No events">Nothing matches these filters yet.</EmptyState>
          ) : (
            <>
              <Table caption="Audit events" columns={columns} rows={events.data} rowKey={(event) => event.id} />
              <LoadMore list={events} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
