"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";

import { errorMessage } from "@/api/errors";
import { Spinner } from "@/modules/ui/components/Spinner";
import { cx } from "@/modules/ui/utils/cx";

import { SEARCH_MIN_CHARS, usePortalSearch } from "../hooks/usePortalSearch";
import { matchingPages, messageItems, personItems, selectionMove, type PaletteItem } from "../utils/paletteItems";

const FOCUSABLE = 'input, button, a[href], [tabindex]:not([tabindex="-1"])';

/** The Ctrl/Cmd-K dialog: one search box over pages, people and mail; arrows move, Enter opens, Esc closes. */
export function CommandPalette({ isAdmin, onClose }: { isAdmin: boolean; onClose: () => void }) {
  const router = useRouter();
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const dialog = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();
  const search = usePortalSearch(text);
  const searching = text.trim().length >= SEARCH_MIN_CHARS;

  const items = useMemo<PaletteItem[]>(() => {
    const pages = matchingPages(text, isAdmin);
    if (!searching || !search.data) return pages;
    return [...pages, ...personItems(search.data.people), ...messageItems(search.data.messages)];
  }, [text, isAdmin, searching, search.data]);

  useEffect(() => {
    // Focus returns to whatever had it when the palette opened (the search button, or the page).
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    input.current?.focus();
    return () => previous?.focus();
  }, []);

  useEffect(() => setActive(0), [text]);

  const open = (item: PaletteItem | undefined) => {
    if (!item) return;
    onClose();
    router.push(item.href);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setActive((current) => selectionMove(current, event.key === "ArrowDown" ? 1 : -1, items.length));
    } else if (event.key === "Enter") {
      event.preventDefault();
      open(items[active]);
    } else if (event.key === "Tab") {
      // Focus stays inside the dialog while it is open.
      const focusable = Array.from(dialog.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    }
  };

  const listId = `${ids}-list`;
  const optionId = (index: number) => `${ids}-option-${index}`;
  let previousGroup: string | null = null;

  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-slate-900/40 px-4 pt-[12vh]" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-label="Search Atrium" onKeyDown={onKeyDown} className="w-full max-w-xl overflow-hidden rounded-xl border border-slate-200 bg-white shadow-2xl">
        <div className="flex items-center gap-3 border-b border-slate-100 px-4">
          <svg viewBox="0 0 20 20" className="h-5 w-5 shrink-0 text-slate-400" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
            <circle cx="9" cy="9" r="6" />
            <path d="m14 14 4 4" strokeLinecap="round" />
          </svg>
          <input
            ref={input}
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={items[active] ? optionId(active) : undefined}
            aria-label="Search pages, people and mail"
            placeholder="Search pages, people and mail…"
            value={text}
            onChange={(event) => setText(event.target.value)}
            className="h-14 w-full bg-transparent text-base text-slate-900 placeholder:text-slate-400 focus:outline-none"
          />
          {search.isFetching ? <Spinner label="Searching" /> : null}
          <button type="button" onClick={onClose} className="rounded-md border border-slate-200 px-1.5 py-0.5 text-xs text-slate-500 hover:bg-slate-50">
            Esc
          </button>
        </div>
        <ul id={listId} role="listbox" aria-label="Results" className="max-h-[50vh] overflow-y-auto p-2">
          {items.map((item, index) => {
            const heading = item.group !== previousGroup ? item.group : null;
            previousGroup = item.group;
            return (
              <li key={item.id} role="presentation">
                {heading ? <p role="presentation" className="px-3 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-400">{heading}</p> : null}
                <div
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active}
                  onMouseMove={() => setActive(index)}
                  onClick={() => open(item)}
                  className={cx("cursor-pointer rounded-lg px-3 py-2", index === active ? "bg-indigo-50" : "")}
                >
                  <p className={cx("truncate text-sm font-medium", index === active ? "text-indigo-800" : "text-slate-900")}>{item.title}</p>
                  <p className="truncate text-xs text-slate-500">{item.detail}</p>
                </div>
              </li>
            );
          })}
        </ul>
        <div role="status" className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500">
          {search.isError
            ? errorMessage(search.error)
            : items.length === 0
              ? `Nothing matches “${text.trim()}”.`
              : `${items.length} ${items.length === 1 ? "result" : "results"} · ↑↓ to move, Enter to open`}
        </div>
      </div>
    </div>
  );
}
