"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { MailOutgoing } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";
import { mailKeys } from "../api/queryKeys";

/** One outbox message and its status (a failed send's notification links to it); polled while it is on its way. */
export function useOutgoing(outgoingId: number | null) {
  return useQuery<MailOutgoing>({
    queryKey: mailKeys.outgoing(outgoingId ?? 0),
    queryFn: () => call(tenantApi.GET("/api/mail/outbox/{outgoing_id}", { params: { path: { outgoing_id: outgoingId ?? 0 } } })),
    enabled: outgoingId !== null,
    refetchInterval: (query) => (query.state.data && ["queued", "sending"].includes(query.state.data.status) ? 2_000 : false),
  });
}

/** Queue a failed message again; `confirmResend` when the server may have delivered it already. */
export function useOutboxRetry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ outgoingId, confirmResend }: { outgoingId: number; confirmResend: boolean }) =>
      call(tenantApi.POST("/api/mail/outbox/{outgoing_id}/retry", { params: { path: { outgoing_id: outgoingId } }, body: { confirm_resend: confirmResend } })),
    onSuccess: (outgoing) => {
      queryClient.setQueryData(mailKeys.outgoing(outgoing.id), outgoing);
      // The failed-send notification goes away once the message is queued again.
      void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
    },
  });
}
