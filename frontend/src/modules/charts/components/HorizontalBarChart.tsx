import type { ReactNode } from "react";

import { linearScale } from "../utils/scale";

export type HorizontalBar = { key: string | number; label: ReactNode; value: number; valueLabel?: string };

/** One labelled bar per row, longest bar = largest value; a list to screen readers, read row by row. */
export function HorizontalBarChart({ title, bars, fillClass = "bg-indigo-500" }: { title: string; bars: HorizontalBar[]; fillClass?: string }) {
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const width = linearScale(max, 100);
  return (
    <ul aria-label={title} className="space-y-3">
      {bars.map((bar) => (
        <li key={bar.key} className="text-sm">
          <div className="mb-1 flex items-baseline justify-between gap-3">
            <span className="min-w-0 truncate text-slate-700">{bar.label}</span>
            <span className="shrink-0 font-semibold tabular-nums text-slate-900">{bar.valueLabel ?? bar.value}</span>
          </div>
          <div aria-hidden="true" className="h-2 rounded-full bg-slate-100">
            <div className={`h-2 rounded-full ${fillClass}`} style={{ width: `${bar.value > 0 ? Math.max(2, width(bar.value)) : 0}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}
