"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { SearchResults } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";
import { useDebouncedValue } from "../../signup/hooks/useDebouncedValue";

const SEARCH_DEBOUNCE_MS = 150;
export const SEARCH_MIN_CHARS = 2;

/** People and mail matching the text, asked for once typing pauses; pages are matched in the browser. */
export function usePortalSearch(text: string) {
  const debounced = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);
  return useQuery<SearchResults>({
    queryKey: queryKeys.search(debounced),
    queryFn: () => call(tenantApi.GET("/api/search", { params: { query: { q: debounced, limit: 6 } } })),
    enabled: debounced.length >= SEARCH_MIN_CHARS,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
