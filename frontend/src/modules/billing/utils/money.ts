/** A monthly price in the plan's currency, e.g. "€29" or "$12.50"; "Free" for zero. */
export function priceLabel(cents: number, currency: string): string {
  if (cents === 0) return "Free";
  const whole = cents % 100 === 0;
  try {
    return new Intl.NumberFormat("en", {
      style: "currency",
      currency: currency.toUpperCase(),
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: 2,
    }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(whole ? 0 : 2)} ${currency.toUpperCase()}`;
  }
}

/** A plan limit: null (or 0) means no limit. */
export function limitLabel(value: number | null, unit: string): string {
  return value !== null && value > 0 ? `${value.toLocaleString("en")} ${unit}` : `Unlimited ${unit}`;
}
