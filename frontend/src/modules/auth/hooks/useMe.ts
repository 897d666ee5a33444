"use client";

import { useQuery } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { Me } from "@/api/schemas";

import { queryKeys } from "../api/queryKeys";

export function useMe() {
  return useQuery<Me>({
    queryKey: queryKeys.me,
    queryFn: () => call(tenantApi.GET("/api/auth/me")),
    staleTime: 60_000,
  });
}

export function isAdminRole(role: Me["role"] | undefined): boolean {
  return role === "owner" || role === "admin";
}
