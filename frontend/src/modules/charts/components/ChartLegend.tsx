import type { ChartSeries } from "../types";

export function ChartLegend({ series, totals }: { series: ChartSeries[]; totals?: Record<string, number> }) {
  return (
    <ul className="flex flex-wrap gap-x-5 gap-y-1 text-sm text-slate-600">
      {series.map((item) => (
        <li key={item.key} className="flex items-center gap-2">
          <span aria-hidden="true" className={`h-2.5 w-2.5 rounded-sm ${item.swatchClass}`} />
          {item.label}
          {totals ? <span className="font-semibold text-slate-900">{totals[item.key] ?? 0}</span> : null}
        </li>
      ))}
    </ul>
  );
}
