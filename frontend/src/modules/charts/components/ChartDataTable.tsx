import type { ChartDatum, ChartSeries } from "../types";

/** The chart's numbers as a table for screen readers (the drawing itself is one image to them). */
export function ChartDataTable({ caption, categoryHeader, series, data }: { caption: string; categoryHeader: string; series: ChartSeries[]; data: ChartDatum[] }) {
  return (
    <table className="sr-only">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{categoryHeader}</th>
          {series.map((item) => (
            <th key={item.key} scope="col">{item.label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.map((datum) => (
          <tr key={datum.label}>
            <th scope="row">{datum.longLabel ?? datum.label}</th>
            {series.map((item) => (
              <td key={item.key}>{datum.values[item.key] ?? 0}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
