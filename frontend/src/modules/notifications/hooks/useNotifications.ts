"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { Notifications } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

// Live enough for "new mail" without a socket; the query pauses while the tab is in the background.
const NOTIFICATIONS_POLL_MS = 30_000;

export function useNotifications() {
  return useQuery<Notifications>({
    queryKey: queryKeys.notifications,
    queryFn: () => call(tenantApi.GET("/api/notifications")),
    refetchInterval: NOTIFICATIONS_POLL_MS,
  });
}

export function useNotificationsSeen() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(tenantApi.POST("/api/notifications/seen")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}
