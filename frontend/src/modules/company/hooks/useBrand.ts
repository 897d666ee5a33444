"use client";

import { useQuery } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { TenantBrand } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

/** The company's name and logo, readable before signing in (the sign-in screens show them). */
export function useBrand(enabled: boolean) {
  return useQuery<TenantBrand>({
    queryKey: queryKeys.brand,
    queryFn: () => call(tenantApi.GET("/api/settings/brand")),
    enabled,
    staleTime: 5 * 60_000,
    retry: false,
  });
}
