"use client";

import Link from "next/link";

import type { AccountHealth } from "@/api/schemas";
import { HorizontalBarChart } from "@/modules/charts/components/HorizontalBarChart";
import { Card } from "@/modules/ui/components/Card";

export function UnreadByAccountCard({ accounts }: { accounts: AccountHealth[] }) {
  const unread = accounts.reduce((total, account) => total + account.unread, 0);
  return (
    <Card title="Unread" description={`${unread} unread across ${accounts.length} ${accounts.length === 1 ? "mailbox" : "mailboxes"}`}>
      <div data-testid="unread-chart">
        <HorizontalBarChart
          title="Unread messages by mailbox"
          bars={accounts.map((account) => ({
            key: account.id,
            label: (
              <Link href={`/mail?account=${account.id}`} className="hover:underline" title={account.email_address}>
                {account.name || account.email_address}
              </Link>
            ),
            value: account.unread,
          }))}
        />
      </div>
    </Card>
  );
}
