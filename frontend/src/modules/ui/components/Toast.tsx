import type { ReactNode } from "react";

/** A short notice at the bottom of the screen, with an optional action (e.g. Undo); announced politely. */
export function Toast({ children, action, onDismiss }: { children: ReactNode; action?: ReactNode; onDismiss: () => void }) {
  return (
    <div role="status" aria-live="polite" className="fixed inset-x-4 bottom-4 z-50 mx-auto flex max-w-md items-center justify-between gap-4 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-lg sm:inset-x-auto sm:left-1/2 sm:-translate-x-1/2" data-testid="toast">
      <div className="min-w-0">{children}</div>
      <div className="flex shrink-0 items-center gap-2">
        {action}
        <button type="button" onClick={onDismiss} className="rounded p-1 text-slate-300 hover:text-white focus-visible:outline-2 focus-visible:outline-white" aria-label="Dismiss">
          ✕
        </button>
      </div>
    </div>
  );
}
