// The arithmetic behind the charts: round axis maxima, evenly spaced ticks and a linear mapping from values to
// pixels. Kept free of React so it can be tested on its own.

/** The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at or above `value`; at least 1. */
export function niceCeiling(value: number): number {
  if (!Number.isFinite(value) || value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Evenly spaced whole-number ticks from 0 up to the first tick at or above `max`, about `count` steps. */
export function axisTicks(max: number, count = 4): number[] {
  let step = niceCeiling(max / count);
  // Counts are whole numbers, so a step of 2.5 becomes 5.
  if (!Number.isInteger(step)) step = niceCeiling(step * 2);
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
}

/** Maps a value of [0, domainMax] onto [0, rangeMax] pixels (0 for an empty domain). */
export function linearScale(domainMax: number, rangeMax: number): (value: number) => number {
  if (domainMax <= 0) return () => 0;
  return (value) => (Math.max(0, Math.min(value, domainMax)) / domainMax) * rangeMax;
}

/** Compact labels for an axis: 950, 1.2k, 3M. */
export function compactNumber(value: number): string {
  if (Math.abs(value) >= 1_000_000) return `${trimZero(value / 1_000_000)}M`;
  if (Math.abs(value) >= 1_000) return `${trimZero(value / 1_000)}k`;
  return String(value);
}

function trimZero(value: number): string {
  return value.toFixed(1).replace(/\.0$/, "");
}

/** Which of `length` category labels to print so that at most `maxLabels` appear, always the last one. */
export function labelledIndexes(length: number, maxLabels: number): Set<number> {
  if (length <= 0) return new Set();
  if (length <= maxLabels) return new Set(Array.from({ length }, (_, index) => index));
  const every = Math.ceil(length / maxLabels);
  const shown = new Set<number>();
  for (let index = length - 1; index >= 0; index -= every) shown.add(index);
  return shown;
}
