"use client";

import { Suspense, useState } from "react";

import type { MailAccountAdmin } from "@/api/schemas";
import { errorMessage } from "@/api/errors";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";
import { Table, type Column } from "@/modules/ui/components/Table";

import { accountHealth, syncLagLabel } from "../../dashboard/utils/mailActivity";
import { useAdminMailAccounts, useMailAccountDelete, useMailAccountRetest } from "../hooks/useMailAdmin";
import { ConnectMailboxForm } from "./ConnectMailboxForm";
import { OAuthConnectCard } from "./OAuthConnectCard";
import { OAuthErrorBanner } from "./OAuthErrorBanner";
import { ShareAccountPanel } from "./ShareAccountPanel";

function lagSeconds(lastSyncedAt: string | null): number | null {
  return lastSyncedAt ? Math.max(0, Math.floor((Date.now() - Date.parse(lastSyncedAt)) / 1000)) : null;
}

export function MailAccountsPage() {
  const accounts = useAdminMailAccounts();
  const retest = useMailAccountRetest();
  const remove = useMailAccountDelete();
  const [connecting, setConnecting] = useState(false);
  const [sharing, setSharing] = useState<number | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const columns: Column<MailAccountAdmin>[] = [
    {
      header: "Mailbox",
      cell: (account) => (
        <div className="min-w-0">
          <p className="font-medium text-slate-900">{account.name}</p>
          <p className="text-slate-500">{account.email_address}</p>
        </div>
      ),
    },
    { header: "Owner", cell: (account) => account.owner_name || account.owner_email },
    {
      header: "Status",
      className: "px-5 py-3 text-slate-700 align-top min-w-56",
      cell: (account) => {
        const health = accountHealth({ status: account.status, sync_state: account.sync.state, lag_seconds: lagSeconds(account.sync.last_synced_at) });
        return (
          <div className="space-y-1">
            <Badge tone={health.tone}>{health.label}</Badge>
            {account.status_message ? <p className="whitespace-normal break-words text-xs text-red-700">{account.status_message}</p> : null}
            <p className="text-xs text-slate-500">Last sync {syncLagLabel(lagSeconds(account.sync.last_synced_at))}</p>
          </div>
        );
      },
    },
    { header: "Shared with", cell: (account) => (account.shared_with.length === 0 ? "Nobody" : `${account.shared_with.length} ${account.shared_with.length === 1 ? "person" : "people"}`) },
    {
      header: "Actions",
      cell: (account) => (
        <div className="flex gap-2">
          <Button size="sm" variant="secondary" loading={retest.isPending && retest.variables === account.id} onClick={() => { setActionError(null); retest.mutate(account.id, { onError: setActionError }); }}>
            Re-test
          </Button>
          <Button size="sm" variant="secondary" onClick={() => setSharing(sharing === account.id ? null : account.id)}>Share</Button>
          <Button
            size="sm"
            variant="danger"
            loading={remove.isPending && remove.variables === account.id}
            onClick={() => {
              if (window.confirm(`Remove ${account.email_address} and all mail synced from it? The mail on the server stays.`)) {
                setActionError(null);
                remove.mutate(account.id, { onError: setActionError });
              }
            }}
          >
            Remove
          </Button>
        </div>
      ),
    },
  ];
  const sharedAccount = accounts.data?.find((account) => account.id === sharing);

  return (
    <>
      <PageHeader
        title="Mail accounts"
        description="Every mailbox connected to your company: who owns it, whether its server lets Atrium in, and who else reads it."
        actions={connecting ? null : <Button onClick={() => setConnecting(true)}>Connect a mailbox</Button>}
      />
      {/* Reads the query string (?oauth_error= after a provider sign-in): rendered in the browser only. */}
      <Suspense>
        <OAuthErrorBanner />
      </Suspense>
      {connecting ? (
        <div className="mb-6 space-y-6">
          <OAuthConnectCard />
          <ConnectMailboxForm onDone={() => setConnecting(false)} />
        </div>
      ) : null}
      <Card>
        {actionError ? (
          <div className="mb-4">
            <Banner tone="danger">{errorMessage(actionError)}</Banner>
          </div>
        ) : null}
        {sharedAccount ? (
          <div className="mb-4">
            <ShareAccountPanel key={sharedAccount.id} account={sharedAccount} onDone={() => setSharing(null)} />
          </div>
        ) : null}
        {accounts.isPending ? (
          <Spinner label="Loading mail accounts" />
        ) : accounts.isError ? (
          <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
        ) : accounts.data.length === 0 ? (
          <EmptyState title="No mailbox connected yet">Connect the team&apos;s mailboxes to see their mail next to your customers.</EmptyState>
        ) : (
          <>
            <Table caption="Mail accounts" columns={columns} rows={accounts.data} rowKey={(account) => account.id} />
            <LoadMore list={accounts} />
          </>
        )}
      </Card>
    </>
  );
}
