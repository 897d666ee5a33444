// The data shapes every chart of the app takes: the dashboard's now, the business reports' later.

/** One series of a chart; `colorClass` is a Tailwind fill/background pair from the design system. */
export type ChartSeries = { key: string; label: string; fillClass: string; swatchClass: string };

/** One category (a day, an account, ...) with a value per series key. */
export type ChartDatum = { label: string; longLabel?: string; values: Record<string, number> };
