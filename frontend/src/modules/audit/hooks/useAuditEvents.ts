"use client";

import { call, tenantApi } from "@/api/client";
import { LIST_PAGE_SIZE, useCursorList } from "@/api/pagination";
import type { AuditEvent } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";
import type { AuditQuery } from "../utils/auditQuery";

/** The audit log, newest first, for the given filters; each filter set is its own cached list. */
export function useAuditEvents(query: AuditQuery) {
  return useCursorList<AuditEvent>(queryKeys.auditEvents(query), (cursor) =>
    call(tenantApi.GET("/api/audit-events", { params: { query: { ...query, page_size: LIST_PAGE_SIZE, cursor } } })),
  );
}
