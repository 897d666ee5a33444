import { useId } from "react";

import type { ChartDatum, ChartSeries } from "../types";
import { axisTicks, compactNumber, labelledIndexes, linearScale } from "../utils/scale";
import { ChartDataTable } from "./ChartDataTable";

const WIDTH = 640;
const AXIS_WIDTH = 36;
const LABEL_HEIGHT = 22;
const MAX_CATEGORY_LABELS = 8;

/** Vertical bars, one group per category with a bar per series, drawn as SVG that scales with its box. */
export function BarChart({ title, categoryHeader, series, data, height = 200 }: { title: string; categoryHeader: string; series: ChartSeries[]; data: ChartDatum[]; height?: number }) {
  const titleId = useId();
  const plotHeight = height - LABEL_HEIGHT;
  const plotWidth = WIDTH - AXIS_WIDTH;
  const max = Math.max(0, ...data.flatMap((datum) => series.map((item) => datum.values[item.key] ?? 0)));
  const ticks = axisTicks(max);
  const top = ticks[ticks.length - 1] ?? 1;
  const y = linearScale(top, plotHeight - 6);
  const groupWidth = data.length > 0 ? plotWidth / data.length : plotWidth;
  const barWidth = Math.max(1, (groupWidth * 0.7) / Math.max(1, series.length));
  const labelled = labelledIndexes(data.length, MAX_CATEGORY_LABELS);

  return (
    <figure className="w-full">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} className="h-auto w-full" role="img" aria-labelledby={titleId}>
        <title id={titleId}>{title}</title>
        {ticks.map((tick) => (
          <g key={tick} transform={`translate(0 ${plotHeight - y(tick)})`}>
            <line x1={AXIS_WIDTH} x2={WIDTH} className="stroke-slate-100" strokeWidth={1} />
            <text x={AXIS_WIDTH - 6} dy="0.32em" textAnchor="end" className="fill-slate-400 text-[11px]">
              {compactNumber(tick)}
            </text>
          </g>
        ))}
        {data.map((datum, index) => {
          const groupX = AXIS_WIDTH + index * groupWidth + groupWidth * 0.15;
          return (
            <g key={datum.label}>
              {series.map((item, seriesIndex) => {
                const value = datum.values[item.key] ?? 0;
                const barHeight = y(value);
                return (
                  <rect
                    key={item.key}
                    x={groupX + seriesIndex * barWidth}
                    y={plotHeight - barHeight}
                    width={Math.max(1, barWidth - 1)}
                    height={barHeight}
                    rx={Math.min(2, barWidth / 3)}
                    className={item.fillClass}
                  >
                    <title>{`${datum.longLabel ?? datum.label}: ${value} ${item.label.toLowerCase()}`}</title>
                  </rect>
                );
              })}
              {labelled.has(index) ? (
                // The last label ends at the right edge instead of running past it.
                <text
                  x={index === data.length - 1 ? WIDTH : AXIS_WIDTH + index * groupWidth + groupWidth / 2}
                  y={height - 6}
                  textAnchor={index === data.length - 1 ? "end" : "middle"}
                  className="fill-slate-500 text-[11px]"
                >
                  {datum.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <ChartDataTable caption={title} categoryHeader={categoryHeader} series={series} data={data} />
    </figure>
  );
}
