"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, useReducer, useRef, useState } from "react";

import { errorMessage } from "@/api/errors";
import type { MailAction, MailDraft, MailFolder, MailOutgoing } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { Toast } from "@/modules/ui/components/Toast";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Select } from "@/modules/ui/components/Select";
import { Spinner } from "@/modules/ui/components/Spinner";
import { cx } from "@/modules/ui/utils/cx";

import { useMailAccounts } from "../hooks/useMailAccounts";
import { useMailFolders } from "../hooks/useMailFolders";
import { useMailFlagsSet, useMailMessage } from "../hooks/useMailMessage";
import { useMailMessages, useThreadMessages } from "../hooks/useMailMessages";
import { useMailAction } from "../hooks/useMailAction";
import { useMailSendUndo } from "../hooks/useMailSend";
import { useMailShortcuts } from "../hooks/useMailShortcuts";
import { useSyncFinishedRefresh } from "../hooks/useSyncFinishedRefresh";
import { composeFrom, composeFromDraft, NEW_MESSAGE, type ComposeFields } from "../utils/compose";
import { folderLabel, isSyncing, mailDateLong } from "../utils/format";
import { listCursorReduce, type Command } from "../utils/keyboard";
import { accountIsGmail } from "../utils/labels";
import { mailLinkParse } from "../utils/mailLink";
import { EMPTY_SEARCH, isSearching, type MessageSearch } from "../utils/messageQuery";
import { BulkBar } from "./BulkBar";
import { Composer } from "./Composer";
import { ConnectMailbox } from "./ConnectMailbox";
import { DraftList } from "./DraftList";
import { MailSidebar } from "./MailSidebar";
import { MessageList } from "./MessageList";
import { OutboxPanel } from "./OutboxPanel";
import { ReadingPane } from "./ReadingPane";
import { SearchBar } from "./SearchBar";
import { SyncProgress } from "./SyncProgress";

/** The mail client: folders, the message list (keyset scrolling, search), the reading pane, Gmail's keys. */
export function MailPage() {
  const accounts = useMailAccounts();
  const [accountId, setAccountId] = useState<number | null>(null);
  const account = accounts.data?.find((entry) => entry.id === accountId) ?? accounts.data?.[0];
  const syncing = account ? isSyncing(account.sync) : false;
  const folders = useMailFolders(account?.id ?? null, syncing);
  useSyncFinishedRefresh(account?.id ?? null, syncing);
  const [search, setSearch] = useState<MessageSearch>(EMPTY_SEARCH);
  const inbox = folders.data?.find((folder) => folder.role === "inbox") ?? folders.data?.[0];
  const effectiveSearch = useMemo(
    () => (search.folderId === null && !isSearching(search) && inbox ? { ...search, folderId: inbox.id } : search),
    [search, inbox],
  );
  const messages = useMailMessages(account?.id ?? null, effectiveSearch, syncing);
  const list = useMemo(() => messages.data?.pages.flatMap((page) => page.results) ?? [], [messages.data]);
  const ids = useMemo(() => list.map((message) => message.id), [list]);
  const [cursor, dispatch] = useReducer(listCursorReduce, { selectedId: null, openId: null });
  const [remoteImagesFor, setRemoteImagesFor] = useState<ReadonlySet<number>>(new Set());
  const remoteImages = cursor.openId !== null && remoteImagesFor.has(cursor.openId);
  const open = useMailMessage(cursor.openId, remoteImages);
  const thread = useThreadMessages(account?.id ?? null, open.data?.thread);
  const flags = useMailFlagsSet();
  const searchInput = useRef<HTMLInputElement>(null);
  const markedRead = useRef<Set<number>>(new Set());
  const [composer, setComposer] = useState<ComposeFields | null>(null);
  const [toast, setToast] = useState<Notice | null>(null);
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set());
  // The list column shows the folder's messages, or my saved drafts; the right one an outbox message when linked.
  const [view, setView] = useState<"messages" | "drafts">("messages");
  const [outboxId, setOutboxId] = useState<number | null>(null);
  const action = useMailAction(account?.id ?? null);
  const undoSend = useMailSendUndo();
  const archiveFolder = folders.data?.find((folder) => folder.role === "archive");
  const searchParams = useSearchParams();

  // A link from search, a notification or the dashboard names an account and perhaps a message: show them.
  useEffect(() => {
    const link = mailLinkParse(new URLSearchParams(searchParams.toString()));
    if (link.accountId !== null) setAccountId(link.accountId);
    if (link.messageId !== null) dispatch({ type: "select", id: link.messageId, open: true });
    if (link.outboxId !== null) {
      dispatch({ type: "close", ids: [] });
      setOutboxId(link.outboxId);
    }
    if (link.connectedId !== null) setToast({ text: "Mailbox connected. Its mail is on its way." });
  }, [searchParams]);

  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => setToast(null), toast.forMs ?? 8_000);
    return () => window.clearTimeout(timer);
  }, [toast]);

  /** Runs an action on messages; a delete or archive can be undone from the toast it leaves. */
  const act = (kind: MailAction | "archive", messageIds: number[]) => {
    if (messageIds.length === 0 || (kind === "archive" && !archiveFolder)) return;
    const sourceFolder = list.find((message) => message.id === messageIds[0])?.folder;
    const input = kind === "archive" ? { action: "move" as const, messageIds, folderId: archiveFolder?.id } : { action: kind, messageIds };
    const leaves = kind === "archive" || kind === "trash" || kind === "move";
    action.mutate(input, {
      onSuccess: () => {
        setChecked(new Set());
        if (leaves && messageIds.length === 1) dispatch({ type: "removed", ids, removedId: messageIds[0] as number });
        else if (leaves) dispatch({ type: "close", ids });
        const count = messageIds.length === 1 ? "Message" : `${messageIds.length} messages`;
        const undo =
          kind === "trash"
            ? () => action.mutate({ action: "restore", messageIds }, { onSuccess: () => setToast({ text: "Moved back from Trash." }) })
            : kind === "archive" && sourceFolder
              ? () => action.mutate({ action: "move", messageIds, folderId: sourceFolder }, { onSuccess: () => setToast({ text: "Moved back." }) })
              : undefined;
        const texts: Partial<Record<MailAction | "archive", string>> = { trash: `${count} moved to Trash.`, archive: `${count} archived.`, move: `${count} moved.` };
        if (texts[kind]) setToast({ text: texts[kind] as string, undo });
      },
      onError: (error) => setToast({ text: errorMessage(error) }),
    });
  };

  const onQueued = (outgoing: MailOutgoing, fields: ComposeFields) => {
    setComposer(null);
    const undoMs = Math.max(0, new Date(outgoing.undo_until).getTime() - Date.now());
    const scheduled = Boolean(fields.sendAt);
    setToast({
      text: scheduled ? `Scheduled for ${mailDateLong(outgoing.send_at)}.` : "Message sent.",
      forMs: scheduled ? 10_000 : Math.max(undoMs, 3_000),
      undo: () =>
        undoSend.mutate(outgoing.id, {
          onSuccess: () => {
            setComposer(fields);
            setToast({ text: scheduled ? "Scheduled send cancelled." : "Sending undone." });
          },
          onError: (error) => setToast({ text: errorMessage(error) }),
        }),
    });
  };

  const composeFromOpen = (mode: "reply" | "reply_all" | "forward") => {
    if (open.data && account) setComposer(composeFrom(open.data, mode, account.email_address));
  };
  const target = cursor.openId ?? cursor.selectedId;

  // Opening an unread message marks it read (on the server first), once per message.
  const opened = open.data;
  useEffect(() => {
    if (opened && !opened.is_read && !markedRead.current.has(opened.id)) {
      markedRead.current.add(opened.id);
      flags.mutate({ messageId: opened.id, is_read: true });
    }
  }, [opened, flags]);

  const selectFolder = (folder: MailFolder) => {
    setView("messages");
    setSearch({ ...EMPTY_SEARCH, folderId: folder.id });
    dispatch({ type: "close", ids });
  };
  const showDrafts = () => {
    setView("drafts");
    dispatch({ type: "close", ids });
  };
  const openDraft = (draft: MailDraft) => setComposer(composeFromDraft(draft));
  const openMessage = (id: number) => {
    setOutboxId(null);
    dispatch({ type: "select", id, open: true });
  };

  const onCommand = (command: Command): boolean => {
    // While writing, the keys belong to the composer.
    if (composer) return false;
    switch (command) {
      case "next":
      case "previous":
      case "open":
      case "close":
        if (view === "drafts") return false;
        dispatch({ type: command, ids });
        return true;
      case "search":
        searchInput.current?.focus();
        return true;
      case "compose":
        setComposer(NEW_MESSAGE);
        return true;
      case "reply":
      case "replyAll":
      case "forward":
        if (!open.data) return false;
        composeFromOpen(command === "replyAll" ? "reply_all" : command);
        return true;
      case "archive":
      case "delete":
        if (target === null) return false;
        act(command === "archive" ? "archive" : "trash", [target]);
        return true;
    }
  };
  useMailShortcuts(onCommand);

  if (accounts.isPending) {
    return (
      <div className="flex h-[60vh] items-center justify-center">
        <Spinner label="Loading your mailboxes" />
      </div>
    );
  }
  if (accounts.isError) {
    return (
      <div className="mx-auto max-w-lg p-8">
        <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
      </div>
    );
  }
  if (!account) {
    return (
      <div className="mx-auto max-w-3xl space-y-6 px-4 py-8 sm:px-8">
        <EmptyState title="No mailbox connected yet">Connect your work mailbox to read and search your mail in Atrium.</EmptyState>
        <ConnectMailbox />
      </div>
    );
  }

  const activeFolder = folders.data?.find((folder) => folder.id === effectiveSearch.folderId);
  const searching = isSearching(effectiveSearch);
  const reading = cursor.openId !== null;
  const showingOutbox = outboxId !== null && !reading;
  const detailShown = reading || showingOutbox;
  const isGmail = accountIsGmail(account, folders.data ?? []);
  return (
    <div className="flex h-[calc(100dvh-4rem)] min-h-0 bg-white" data-testid="mail-client">
      <aside aria-label="Mail folders" className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-slate-50 lg:flex">
        <div className="px-3 pt-4">
          <Button className="w-full" onClick={() => setComposer(NEW_MESSAGE)} aria-keyshortcuts="c">
            Compose
          </Button>
        </div>
        <MailSidebar
          accounts={accounts.data}
          account={account}
          onAccount={(id) => {
            setAccountId(id);
            setSearch(EMPTY_SEARCH);
            dispatch({ type: "close", ids: [] });
          }}
          folders={folders.data}
          foldersPending={folders.isPending}
          foldersError={folders.error}
          onFoldersRetry={() => void folders.refetch()}
          activeFolderId={searching ? null : (effectiveSearch.folderId ?? null)}
          onFolder={selectFolder}
          draftsActive={view === "drafts"}
          onDrafts={showDrafts}
          isGmail={isGmail}
        />
      </aside>
      <section aria-label={view === "drafts" ? "Saved drafts" : searching ? "Search results" : (activeFolder ? folderLabel(activeFolder) : "Messages")} className={cx("min-h-0 w-full shrink-0 flex-col border-r border-slate-200 md:flex md:w-96 xl:w-[28rem]", detailShown ? "hidden" : "flex")}>
        <div className="space-y-3 border-b border-slate-200 px-4 pt-3 lg:hidden">
          <SyncProgress account={account} />
          <Button size="sm" onClick={() => setComposer(NEW_MESSAGE)}>
            Compose
          </Button>
          <label htmlFor="mail-folder-select" className="sr-only">
            Folder
          </label>
          <Select id="mail-folder-select" className="mb-3" value={view === "drafts" ? "drafts" : (effectiveSearch.folderId ?? "")} onChange={(event) => {
            if (event.target.value === "drafts") return showDrafts();
            const folder = folders.data?.find((entry) => entry.id === Number(event.target.value));
            if (folder) selectFolder(folder);
          }}>
            <option value="drafts">Saved drafts</option>
            {(folders.data ?? []).map((folder) => (
              <option key={folder.id} value={folder.id}>
                {folderLabel(folder)}
                {folder.unread_count ? ` (${folder.unread_count})` : ""}
              </option>
            ))}
          </Select>
        </div>
        {view === "drafts" ? (
          <div className="min-h-0 flex-1 overflow-y-auto">
            <DraftList accountId={account.id} openDraftId={composer?.draftId ?? null} onOpen={openDraft} />
          </div>
        ) : (
          <>
            {checked.size > 0 ? (
              <BulkBar count={checked.size} canArchive={Boolean(archiveFolder)} busy={action.isPending} onAction={(kind) => act(kind, [...checked])} onClear={() => setChecked(new Set())} />
            ) : null}
            <SearchBar key={account.id} search={effectiveSearch} folders={folders.data ?? []} onSearch={(next) => { setSearch(next); dispatch({ type: "close", ids }); }} inputRef={searchInput} />
            <div className="min-h-0 flex-1 overflow-y-auto">
              <MessageList
                messages={list}
                isPending={messages.isPending && (messages.fetchStatus !== "idle" || folders.isPending)}
                error={messages.error}
                onRetry={() => void messages.refetch()}
                emptyTitle={searching ? "No messages match" : syncing ? "Your mail is on its way" : "Nothing here"}
                emptyText={searching ? "Try fewer words or filters." : syncing ? "Messages appear as the sync brings them in." : "This folder has no messages."}
                selectedId={cursor.selectedId}
                openId={cursor.openId}
                onOpen={openMessage}
                checkedIds={checked}
                onCheck={(id, on) =>
                  setChecked((current) => {
                    const next = new Set(current);
                    if (on) next.add(id);
                    else next.delete(id);
                    return next;
                  })
                }
                hasNextPage={messages.hasNextPage}
                isFetchingNextPage={messages.isFetchingNextPage}
                fetchNextPage={() => void messages.fetchNextPage()}
              />
            </div>
          </>
        )}
      </section>
      <section aria-label="Reading pane" className={cx("min-h-0 min-w-0 flex-1 flex-col md:flex", detailShown ? "flex" : "hidden")}>
        {outboxId !== null && !reading ? (
          <OutboxPanel outgoingId={outboxId} onClose={() => setOutboxId(null)} />
        ) : reading ? (
          <ReadingPane
            message={open.data}
            isPending={open.isPending}
            error={open.error}
            onRetry={() => void open.refetch()}
            thread={thread.data ?? []}
            remoteImages={remoteImages}
            onShowImages={() => setRemoteImagesFor((current) => new Set(current).add(cursor.openId ?? 0))}
            onOpen={(id) => dispatch({ type: "select", id, open: true })}
            onBack={() => dispatch({ type: "close", ids })}
            onCompose={composeFromOpen}
            onArchive={archiveFolder && open.data?.folder !== archiveFolder.id ? () => act("archive", [open.data?.id ?? 0]) : null}
            onDelete={() => act("trash", [open.data?.id ?? 0])}
            account={account}
            folders={folders.data ?? []}
            moveTargets={(folders.data ?? []).filter((folder) => folder.id !== open.data?.folder)}
            onMove={(folderId) => action.mutate({ action: "move", messageIds: [open.data?.id ?? 0], folderId }, {
              onSuccess: () => {
                dispatch({ type: "removed", ids, removedId: open.data?.id ?? 0 });
                setToast({ text: "Message moved." });
              },
              onError: (error) => setToast({ text: errorMessage(error) }),
            })}
          />
        ) : (
          <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-slate-500">
            <p>
              Select a message to read it.
              <br />
              <span className="text-slate-400">
                <kbd className="font-sans">j</kbd>/<kbd className="font-sans">k</kbd> to move, <kbd className="font-sans">o</kbd> to open, <kbd className="font-sans">/</kbd> to search
              </span>
            </p>
          </div>
        )}
      </section>
      {composer ? <Composer key={`${composer.mode}-${composer.sourceMessageId ?? "new"}-${composer.draftId ?? "unsaved"}`} accountId={account.id} initial={composer} onClose={() => setComposer(null)} onQueued={onQueued} /> : null}
      {toast ? (
        <Toast
          onDismiss={() => setToast(null)}
          action={
            toast.undo ? (
              <button type="button" className="rounded px-2 py-1 font-semibold text-indigo-300 hover:text-indigo-200 focus-visible:outline-2 focus-visible:outline-white" onClick={() => {
                toast.undo?.();
                setToast(null);
              }}>
                Undo
              </button>
            ) : null
          }
        >
          {toast.text}
        </Toast>
      ) : null}
    </div>
  );
}

type Notice = { text: string; undo?: () => void; forMs?: number };
