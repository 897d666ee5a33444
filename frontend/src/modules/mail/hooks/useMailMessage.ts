"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { MailMessageDetail } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";

/** One message with its sanitized HTML; `remoteImages` asks for the version with remote images kept. */
export function useMailMessage(messageId: number | null, remoteImages: boolean) {
  return useQuery<MailMessageDetail>({
    queryKey: mailKeys.message(messageId ?? 0, remoteImages),
    queryFn: () =>
      call(
        tenantApi.GET("/api/mail/messages/{message_id}", {
          params: { path: { message_id: messageId ?? 0 }, query: remoteImages ? { remote_images: true } : {} },
        }),
      ),
    enabled: messageId !== null,
    staleTime: 5 * 60_000,
  });
}

/** Read/unread and flag, written to the mail server first; the lists and counts refresh after. */
export function useMailFlagsSet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ messageId, ...body }: { messageId: number; is_read?: boolean; is_flagged?: boolean }) =>
      call(tenantApi.PATCH("/api/mail/messages/{message_id}", { params: { path: { message_id: messageId } }, body })),
    onSuccess: (message) => {
      queryClient.setQueryData(mailKeys.message(message.id, false), (old: MailMessageDetail | undefined) =>
        old ? { ...old, is_read: message.is_read, is_flagged: message.is_flagged } : message,
      );
      void queryClient.invalidateQueries({ queryKey: mailKeys.messageLists(message.account) });
      void queryClient.invalidateQueries({ queryKey: mailKeys.folders(message.account) });
    },
  });
}
