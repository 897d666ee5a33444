"use client";

import { useMutation, useQuery } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { BillingState } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

export function useBilling() {
  return useQuery<BillingState>({ queryKey: queryKeys.billing, queryFn: () => call(tenantApi.GET("/api/billing")) });
}

export function useCheckout() {
  return useMutation({
    mutationFn: (plan: string) => call(tenantApi.POST("/api/billing/checkout", { body: { plan } })),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}

export function useBillingPortal() {
  return useMutation({
    mutationFn: () => call(tenantApi.POST("/api/billing/portal")),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}
