"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { mailKeys } from "../api/queryKeys";

/** When a sync finishes, the folders and lists are fetched again at once rather than at the next poll. */
export function useSyncFinishedRefresh(accountId: number | null, syncing: boolean) {
  const queryClient = useQueryClient();
  const wasSyncing = useRef(syncing);
  useEffect(() => {
    if (wasSyncing.current && !syncing && accountId !== null) {
      void queryClient.invalidateQueries({ queryKey: mailKeys.folders(accountId) });
      void queryClient.invalidateQueries({ queryKey: mailKeys.messageLists(accountId) });
    }
    wasSyncing.current = syncing;
  }, [accountId, syncing, queryClient]);
}
