"use client";

import { useEffect, useRef } from "react";

import type { MailMessage } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Spinner } from "@/modules/ui/components/Spinner";

import { MessageRow } from "./MessageRow";

function ListSkeleton() {
  return (
    <div aria-hidden="true">
      {[0, 1, 2, 3, 4, 5].map((row) => (
        <div key={row} className="space-y-2 border-b border-slate-100 px-4 py-3">
          <div className="h-3.5 w-1/3 animate-pulse rounded bg-slate-200" />
          <div className="h-3.5 w-2/3 animate-pulse rounded bg-slate-200" />
          <div className="h-3 w-5/6 animate-pulse rounded bg-slate-100" />
        </div>
      ))}
    </div>
  );
}

/** The message list; the next keyset page loads when the end of the list scrolls into view. */
export function MessageList({
  messages,
  isPending,
  error,
  onRetry,
  emptyTitle,
  emptyText,
  selectedId,
  openId,
  onOpen,
  checkedIds,
  onCheck,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  messages: MailMessage[];
  isPending: boolean;
  error: unknown;
  onRetry: () => void;
  emptyTitle: string;
  emptyText: string;
  selectedId: number | null;
  openId: number | null;
  onOpen: (id: number) => void;
  checkedIds: ReadonlySet<number>;
  onCheck: (id: number, checked: boolean) => void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
}) {
  const end = useRef<HTMLDivElement>(null);
  const selectedButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || !hasNextPage || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) fetchNextPage();
    }, { rootMargin: "400px" });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  useEffect(() => {
    // The keyboard cursor takes the focus with it, so screen readers follow j/k.
    if (selectedId !== null && selectedButton.current && document.activeElement !== selectedButton.current) {
      const focusInList = document.activeElement?.closest("[data-message-list]") || document.activeElement === document.body;
      if (focusInList) selectedButton.current.focus({ preventScroll: true });
      selectedButton.current.scrollIntoView({ block: "nearest" });
    }
  }, [selectedId]);

  if (isPending) return <ListSkeleton />;
  if (error && messages.length === 0) {
    return (
      <div className="p-4">
        <ErrorState error={error} onRetry={onRetry} />
      </div>
    );
  }
  if (messages.length === 0) {
    return (
      <div className="p-4">
        <EmptyState title={emptyTitle}>{emptyText}</EmptyState>
      </div>
    );
  }
  return (
    <div data-message-list="">
      <ul aria-label="Messages">
        {messages.map((message) => (
          <MessageRow
            key={message.id}
            message={message}
            selected={message.id === selectedId}
            open={message.id === openId}
            onOpen={() => onOpen(message.id)}
            checked={checkedIds.has(message.id)}
            onCheck={(checked) => onCheck(message.id, checked)}
            buttonRef={message.id === selectedId ? selectedButton : undefined}
          />
        ))}
      </ul>
      <div ref={end} className="flex justify-center py-4">
        {isFetchingNextPage ? (
          <Spinner label="Loading more messages" />
        ) : hasNextPage ? (
          <Button variant="ghost" size="sm" onClick={fetchNextPage}>
            Load more
          </Button>
        ) : (
          <p className="text-xs text-slate-400">That’s everything.</p>
        )}
      </div>
    </div>
  );
}
