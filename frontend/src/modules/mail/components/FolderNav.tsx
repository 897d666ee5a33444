import type { MailFolder } from "@/api/schemas";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { cx } from "@/modules/ui/utils/cx";

import { folderLabel } from "../utils/format";

function FolderSkeleton() {
  return (
    <div className="space-y-2 px-3" aria-hidden="true">
      {[0, 1, 2, 3].map((row) => (
        <div key={row} className="h-4 w-3/4 animate-pulse rounded bg-slate-200" />
      ))}
    </div>
  );
}

/** The account's folders with unread counts; the open folder is marked for screen readers too. */
export function FolderNav({
  folders,
  isPending,
  error,
  onRetry,
  activeId,
  onSelect,
}: {
  folders: MailFolder[] | undefined;
  isPending: boolean;
  error: unknown;
  onRetry: () => void;
  activeId: number | null;
  onSelect: (folder: MailFolder) => void;
}) {
  if (isPending) return <FolderSkeleton />;
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  if (!folders || folders.length === 0) return <p className="px-3 text-sm text-slate-500">No folders synced yet.</p>;
  return (
    <nav aria-label="Folders">
      <ul className="space-y-0.5">
        {folders.map((folder) => {
          const active = folder.id === activeId;
          return (
            <li key={folder.id}>
              <button
                type="button"
                onClick={() => onSelect(folder)}
                aria-current={active ? "true" : undefined}
                data-testid="folder"
                className={cx(
                  "flex w-full items-center justify-between gap-2 rounded-lg px-3 py-1.5 text-left text-sm transition-colors",
                  "focus-visible:outline-2 focus-visible:outline-indigo-600",
                  active ? "bg-indigo-50 font-semibold text-indigo-700" : "text-slate-700 hover:bg-slate-100",
                )}
              >
                <span className="truncate">{folderLabel(folder)}</span>
                {folder.unread_count > 0 ? (
                  <span className="shrink-0 text-xs font-semibold tabular-nums" aria-label={`${folder.unread_count} unread`}>
                    {folder.unread_count.toLocaleString()}
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
