"use client";

import { useCallback, useState } from "react";

import { usePaletteShortcut } from "../hooks/usePaletteShortcut";
import { CommandPalette } from "./CommandPalette";

/** The header's search field look-alike; it and Ctrl/Cmd-K open the command palette. */
export function SearchButton({ isAdmin }: { isAdmin: boolean }) {
  const [open, setOpen] = useState(false);
  const show = useCallback(() => setOpen(true), []);
  usePaletteShortcut(show);
  return (
    <>
      <button
        type="button"
        onClick={show}
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        className="flex h-9 w-full max-w-xs items-center gap-2 rounded-lg border border-slate-200 bg-slate-50 px-3 text-sm text-slate-500 hover:bg-white focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <svg viewBox="0 0 20 20" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
          <circle cx="9" cy="9" r="6" />
          <path d="m14 14 4 4" strokeLinecap="round" />
        </svg>
        <span className="flex-1 text-left">Search…</span>
        <kbd className="hidden rounded border border-slate-200 bg-white px-1.5 text-xs sm:inline">Ctrl K</kbd>
      </button>
      {open ? <CommandPalette isAdmin={isAdmin} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
