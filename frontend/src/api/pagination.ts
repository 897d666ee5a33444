// Lists of the API are cursor (keyset) paginated: each page names the URL of the next one. These helpers
// turn that into TanStack Query's infinite queries, so every list screen can load past its first page.
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

export type CursorPage<T> = { results: T[]; next?: string | null };

export const LIST_PAGE_SIZE = 100;

/** The `cursor` parameter of a page's `next` URL; undefined on the last page. */
export function nextCursor(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next, "http://relative.invalid").searchParams.get("cursor") ?? undefined;
  } catch {
    return undefined;
  }
}

/** All rows loaded so far (`data`), with `hasNextPage` / `fetchNextPage` for a "Load more" button. */
export function useCursorList<T>(queryKey: QueryKey, fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => nextCursor(page.next),
    select: (data) => data.pages.flatMap((page) => page.results),
  });
}
