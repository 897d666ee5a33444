"use client";

import { useQuery } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { Dashboard } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

// New mail and sync progress change the figures; a minute is fresh enough for a home page.
const DASHBOARD_REFRESH_MS = 60_000;

export function useDashboard() {
  return useQuery<Dashboard>({
    queryKey: queryKeys.dashboard,
    queryFn: () => call(tenantApi.GET("/api/dashboard")),
    refetchInterval: DASHBOARD_REFRESH_MS,
  });
}
