"use client";

import type { AccountHealth } from "@/api/schemas";
import { Badge } from "@/modules/ui/components/Badge";
import { Card } from "@/modules/ui/components/Card";

import { accountHealth, syncLagLabel } from "../utils/mailActivity";

export function SyncHealthCard({ accounts }: { accounts: AccountHealth[] }) {
  return (
    <Card title="Sync health" description="Each mailbox's connection and its last finished sync">
      <ul data-testid="sync-health" className="divide-y divide-slate-100">
        {accounts.map((account) => {
          const health = accountHealth(account);
          return (
            <li key={account.id} className="py-3 first:pt-0 last:pb-0">
              <div className="flex items-center justify-between gap-3">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900">{account.email_address}</p>
                  <p className="text-sm text-slate-500">Last sync {syncLagLabel(account.lag_seconds)}</p>
                </div>
                <Badge tone={health.tone}>{health.label}</Badge>
              </div>
              {account.status !== "ok" && account.status_message ? (
                <p className="mt-1 break-words text-sm text-red-700">The server said: {account.status_message}</p>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
