import type { MailAccount } from "@/api/schemas";

import { syncPercent } from "../utils/format";

/** The initial (or a long) sync's progress, from the account's sync_* counters. */
export function SyncProgress({ account }: { account: MailAccount }) {
  const percent = syncPercent(account.sync);
  if (percent === null) return null;
  const { messages_done: done, messages_total: total } = account.sync;
  const label = `Syncing ${account.email_address}`;
  return (
    <div className="space-y-1.5" data-testid="sync-progress">
      <div className="flex items-baseline justify-between gap-2 text-xs text-slate-600">
        <span className="truncate font-medium">{account.sync.state === "syncing" ? "Syncing mail…" : "Getting ready to sync…"}</span>
        <span className="shrink-0 tabular-nums">{total > 0 ? `${done.toLocaleString()} of ${total.toLocaleString()}` : `${percent}%`}</span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-1.5 overflow-hidden rounded-full bg-slate-200">
        <div className="h-full rounded-full bg-indigo-600 transition-[width] duration-500 motion-reduce:transition-none" style={{ width: `${Math.max(percent, 3)}%` }} />
      </div>
    </div>
  );
}
