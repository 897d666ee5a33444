"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { MailMessage } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";
import { cursorFrom, messageListQuery, type MessageSearch } from "../utils/messageQuery";

/** Polling for new mail; the first page is what changes, and TanStack refetches the pages in order. */
export const NEW_MAIL_POLL_MS = 15_000;
const PAGE_SIZE = 50;

type MessagePage = { next?: string | null; results: MailMessage[] };

/** The messages of a folder or a search, newest first, a keyset page at a time. */
export function useMailMessages(accountId: number | null, search: MessageSearch, syncing: boolean) {
  return useInfiniteQuery({
    queryKey: mailKeys.messages(accountId ?? 0, search),
    queryFn: async ({ pageParam }): Promise<MessagePage> =>
      call(
        tenantApi.GET("/api/mail/accounts/{account_id}/messages", {
          params: { path: { account_id: accountId ?? 0 }, query: messageListQuery(search, pageParam, PAGE_SIZE) },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorFrom(page.next),
    enabled: accountId !== null && (search.folderId !== null || Object.keys(messageListQuery(search)).length > 1),
    refetchInterval: syncing ? 4_000 : NEW_MAIL_POLL_MS,
    // Polling refetches every loaded page; keep that bounded after a long scroll.
    maxPages: 40,
  });
}

/** The other messages of the open message's conversation. */
export function useThreadMessages(accountId: number | null, threadId: number | null | undefined) {
  return useQuery<MailMessage[]>({
    queryKey: mailKeys.thread(accountId ?? 0, threadId ?? 0),
    queryFn: async () =>
      (
        await call(
          tenantApi.GET("/api/mail/accounts/{account_id}/messages", {
            params: { path: { account_id: accountId ?? 0 }, query: { thread: threadId ?? 0, page_size: 50 } },
          }),
        )
      ).results,
    enabled: accountId !== null && Boolean(threadId),
  });
}
