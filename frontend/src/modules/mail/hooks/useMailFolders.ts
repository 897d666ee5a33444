"use client";

import { useQuery } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { MailFolder } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";
import { foldersSorted } from "../utils/format";
import { SYNC_POLL_MS, IDLE_POLL_MS } from "./useMailAccounts";

/** Folders with unread counts, refreshed as new mail arrives (faster while the account syncs). */
export function useMailFolders(accountId: number | null, syncing: boolean) {
  return useQuery<MailFolder[]>({
    queryKey: mailKeys.folders(accountId ?? 0),
    queryFn: async () =>
      foldersSorted(await call(tenantApi.GET("/api/mail/accounts/{account_id}/folders", { params: { path: { account_id: accountId ?? 0 } } }))),
    enabled: accountId !== null,
    refetchInterval: syncing ? SYNC_POLL_MS * 2 : IDLE_POLL_MS,
  });
}
