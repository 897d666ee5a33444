"use client";

import Link from "next/link";

import { buttonClasses } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Spinner } from "@/modules/ui/components/Spinner";

import { useDashboard } from "../hooks/useDashboard";
import { MailActivityCard } from "./MailActivityCard";
import { SyncHealthCard } from "./SyncHealthCard";
import { UnreadByAccountCard } from "./UnreadByAccountCard";

/** The dashboard's mail section: activity per day, unread and sync health of the mailboxes the user reads. */
export function MailInsights({ canConnect }: { canConnect: boolean }) {
  const dashboard = useDashboard();
  if (dashboard.isPending) {
    return (
      <Card title="Mail per day">
        <Spinner label="Loading mail figures" />
      </Card>
    );
  }
  if (dashboard.isError) return <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />;
  const { accounts } = dashboard.data;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <MailActivityCard dashboard={dashboard.data} />
      {accounts.length > 0 ? (
        <>
          <UnreadByAccountCard accounts={accounts} />
          <SyncHealthCard accounts={accounts} />
        </>
      ) : (
        <div className="lg:col-span-2">
          <EmptyState
            title="No mailbox yet"
            action={canConnect ? <Link href="/settings/mail-accounts" className={buttonClasses("primary", "sm")}>Connect a mailbox</Link> : null}
          >
            Unread counts and sync health appear here once a mailbox is connected.
          </EmptyState>
        </div>
      )}
    </div>
  );
}
