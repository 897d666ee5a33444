"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { call, publicApi } from "@/api/client";
import type { SubdomainAvailability } from "@/api/schemas";

import { subdomainProblem } from "../utils/subdomain";
import { useDebouncedValue } from "./useDebouncedValue";

export const AVAILABILITY_DEBOUNCE_MS = 350;

/** Asks the API whether the subdomain is free, once typing pauses. */
export function useSubdomainAvailability(subdomain: string) {
  const debounced = useDebouncedValue(subdomain, AVAILABILITY_DEBOUNCE_MS);
  const query = useQuery<SubdomainAvailability>({
    queryKey: ["subdomain-availability", debounced],
    queryFn: ({ signal }) => call(publicApi.GET("/api/subdomains/availability", { params: { query: { subdomain: debounced } }, signal })),
    enabled: debounced.length > 0 && subdomainProblem(debounced) === null,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  });
  return { ...query, settled: debounced === subdomain && !query.isFetching };
}
