import { Button } from "@/modules/ui/components/Button";

import type { MailAction } from "@/api/schemas";

/** What can be done to the checked messages at once. */
export function BulkBar({ count, canArchive, busy, onAction, onClear }: { count: number; canArchive: boolean; busy: boolean; onAction: (action: MailAction | "archive") => void; onClear: () => void }) {
  return (
    <div role="toolbar" aria-label="Selected messages" className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-indigo-50 px-4 py-2" data-testid="bulk-bar">
      <span className="mr-auto text-sm font-medium text-indigo-900">{count} selected</span>
      {canArchive ? (
        <Button variant="secondary" size="sm" disabled={busy} onClick={() => onAction("archive")}>
          Archive
        </Button>
      ) : null}
      <Button variant="secondary" size="sm" disabled={busy} onClick={() => onAction("trash")}>
        Delete
      </Button>
      <Button variant="secondary" size="sm" disabled={busy} onClick={() => onAction("read")}>
        Mark read
      </Button>
      <Button variant="secondary" size="sm" disabled={busy} onClick={() => onAction("unread")}>
        Mark unread
      </Button>
      <Button variant="ghost" size="sm" onClick={onClear}>
        Clear
      </Button>
    </div>
  );
}
