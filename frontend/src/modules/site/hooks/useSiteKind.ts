"use client";

import { useSyncExternalStore } from "react";

import { BASE_DOMAIN, siteKind, type SiteKind } from "@/lib/host";

const subscribe = () => () => undefined;

/** "public" or "portal" in the browser; null while prerendering, where no host is known. */
export function useSiteKind(): SiteKind | null {
  return useSyncExternalStore(
    subscribe,
    () => siteKind(window.location.hostname, BASE_DOMAIN),
    () => null,
  );
}
