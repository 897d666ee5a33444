/** A count as a badge shows it: nothing for zero, "99+" past 99. */
export function badgeCount(count: number | undefined): string | null {
  if (!count || count <= 0) return null;
  return count > 99 ? "99+" : String(count);
}
