import type { MailAccount, MailFolder } from "@/api/schemas";
import { Badge } from "@/modules/ui/components/Badge";
import { Select } from "@/modules/ui/components/Select";

import { cx } from "@/modules/ui/utils/cx";

import { FolderNav } from "./FolderNav";
import { LabelManager } from "./LabelManager";
import { SyncProgress } from "./SyncProgress";

/** Accounts (a switcher when there are several), the open account's sync progress and folders. */
export function MailSidebar({
  accounts,
  account,
  onAccount,
  folders,
  foldersPending,
  foldersError,
  onFoldersRetry,
  activeFolderId,
  onFolder,
  draftsActive,
  onDrafts,
  isGmail,
}: {
  accounts: MailAccount[];
  account: MailAccount;
  onAccount: (id: number) => void;
  folders: MailFolder[] | undefined;
  foldersPending: boolean;
  foldersError: unknown;
  onFoldersRetry: () => void;
  activeFolderId: number | null;
  onFolder: (folder: MailFolder) => void;
  draftsActive: boolean;
  onDrafts: () => void;
  isGmail: boolean;
}) {
  return (
    <div className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto px-3 py-4">
      {accounts.length > 1 ? (
        <div>
          <label htmlFor="mail-account" className="sr-only">
            Mailbox
          </label>
          <Select id="mail-account" value={account.id} onChange={(event) => onAccount(Number(event.target.value))}>
            {accounts.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.email_address}
              </option>
            ))}
          </Select>
        </div>
      ) : (
        <p className="truncate px-3 text-sm font-medium text-slate-900" title={account.email_address}>
          {account.email_address}
        </p>
      )}
      {account.status !== "ok" ? (
        <div className="px-3">
          <Badge tone="danger">{account.status_message || "This mailbox cannot be reached"}</Badge>
        </div>
      ) : null}
      <div className="px-3">
        <SyncProgress account={account} />
      </div>
      <button
        type="button"
        onClick={onDrafts}
        aria-current={draftsActive ? "true" : undefined}
        data-testid="drafts-entry"
        className={cx(
          "flex w-full items-center rounded-lg px-3 py-1.5 text-left text-sm transition-colors focus-visible:outline-2 focus-visible:outline-indigo-600",
          draftsActive ? "bg-indigo-50 font-semibold text-indigo-700" : "text-slate-700 hover:bg-slate-100",
        )}
      >
        Saved drafts
      </button>
      <FolderNav folders={folders} isPending={foldersPending} error={foldersError} onRetry={onFoldersRetry} activeId={draftsActive ? null : activeFolderId} onSelect={onFolder} />
      {isGmail && folders ? <LabelManager accountId={account.id} folders={folders} /> : null}
    </div>
  );
}
