"use client";

import type { Invitation } from "@/api/schemas";
import { errorMessage } from "@/api/errors";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";
import { Table, type Column } from "@/modules/ui/components/Table";

import { useInvitationRevoke, useInvitations } from "../hooks/useTeam";
import { dateShort, roleLabel } from "../utils/format";
import { InviteForm } from "./InviteForm";

const STATUS_TONE = { pending: "brand", accepted: "success", revoked: "neutral", expired: "warning" } as const;
const STATUS_LABEL = { pending: "Pending", accepted: "Accepted", revoked: "Revoked", expired: "Expired" } as const;

export function InvitationsPage() {
  const invitations = useInvitations();
  const revoke = useInvitationRevoke();

  const columns: Column<Invitation>[] = [
    { header: "Email", cell: (invitation) => <span className="font-medium text-slate-900">{invitation.email}</span> },
    { header: "Role", cell: (invitation) => roleLabel(invitation.role) },
    { header: "Status", cell: (invitation) => <Badge tone={STATUS_TONE[invitation.status]}>{STATUS_LABEL[invitation.status]}</Badge> },
    { header: "Invited by", cell: (invitation) => invitation.invited_by?.full_name || invitation.invited_by?.email || "—" },
    { header: "Expires", cell: (invitation) => (invitation.status === "pending" ? dateShort(invitation.expires_at) : "—") },
    {
      header: "Actions",
      cell: (invitation) =>
        invitation.status === "pending" ? (
          <Button variant="danger" size="sm" loading={revoke.isPending && revoke.variables === invitation.id} onClick={() => revoke.mutate(invitation.id)}>
            Revoke
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title="Invitations" description="Invite colleagues by email; the link in the invitation lets them set up their account." />
      <div className="space-y-6">
        <Card title="Invite a colleague">
          <InviteForm />
        </Card>
        <Card title="Sent invitations">
          {revoke.isError ? (
            <div className="mb-4">
              <Banner tone="danger">{errorMessage(revoke.error)}</Banner>
            </div>
          ) : null}
          {invitations.isPending ? (
            <Spinner label="Loading invitations" />
          ) : invitations.isError ? (
            <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />
          ) : invitations.data.length === 0 ? (
            <EmptyState title="No invitations yet">Invite your first colleague above.</EmptyState>
          ) : (
            <>
              <Table caption="Invitations" columns={columns} rows={invitations.data} rowKey={(invitation) => invitation.id} />
              <LoadMore list={invitations} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
