"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import { LIST_PAGE_SIZE, useCursorList } from "@/api/pagination";
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointInput, WebhookEndpointUpdate } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

export function useWebhookEndpoints() {
  return useCursorList<WebhookEndpoint>(queryKeys.webhookEndpoints, (cursor) =>
    call(tenantApi.GET("/api/webhooks/endpoints", { params: { query: { page_size: LIST_PAGE_SIZE, cursor } } })),
  );
}

export function useWebhookEventTypes() {
  return useQuery({
    queryKey: ["webhook-event-types"],
    queryFn: () => call(tenantApi.GET("/api/webhooks/event-types")),
    staleTime: Infinity,
  });
}

export function useWebhookDeliveries(endpointId: number) {
  return useCursorList<WebhookDelivery>(queryKeys.webhookDeliveries(endpointId), (cursor) =>
    call(
      tenantApi.GET("/api/webhooks/endpoints/{endpoint_id}/deliveries", {
        params: { path: { endpoint_id: endpointId }, query: { page_size: LIST_PAGE_SIZE, cursor } },
      }),
    ),
  );
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return (endpointId?: number) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.webhookEndpoints }),
      endpointId === undefined ? null : queryClient.invalidateQueries({ queryKey: queryKeys.webhookDeliveries(endpointId) }),
    ]);
}

export function useWebhookCreate() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: WebhookEndpointInput) => call(tenantApi.POST("/api/webhooks/endpoints", { body })),
    onSuccess: () => invalidate(),
  });
}

export function useWebhookUpdate() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: WebhookEndpointUpdate }) =>
      call(tenantApi.PATCH("/api/webhooks/endpoints/{endpoint_id}", { params: { path: { endpoint_id: id } }, body })),
    onSuccess: (endpoint) => invalidate(endpoint.id),
  });
}

export function useWebhookDelete() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: number) => call(tenantApi.DELETE("/api/webhooks/endpoints/{endpoint_id}", { params: { path: { endpoint_id: id } } })),
    onSuccess: () => invalidate(),
  });
}

export function useWebhookTest() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: number) => call(tenantApi.POST("/api/webhooks/endpoints/{endpoint_id}/test", { params: { path: { endpoint_id: id } } })),
    onSuccess: (_delivery, id) => invalidate(id),
  });
}

export function useWebhookRedeliver() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ endpointId, deliveryId }: { endpointId: number; deliveryId: number }) =>
      call(
        tenantApi.POST("/api/webhooks/endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver", {
          params: { path: { endpoint_id: endpointId, delivery_id: deliveryId } },
        }),
      ),
    onSuccess: (_delivery, { endpointId }) => invalidate(endpointId),
  });
}
