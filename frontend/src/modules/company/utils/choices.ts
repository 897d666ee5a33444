// Choices for the settings form, from the browser's own data; the API validates whatever is sent.

function supported(key: "timeZone" | "currency"): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? intl.supportedValuesOf(key) : [];
}

/** The options, with the current value kept even when the browser does not list it. */
export function withCurrent(options: string[], current: string): string[] {
  return current && !options.includes(current) ? [current, ...options] : options;
}

export function timeZones(current: string): string[] {
  return withCurrent(["UTC", ...supported("timeZone").filter((zone) => zone !== "UTC")], current);
}

export function currencies(current: string): string[] {
  return withCurrent(supported("currency"), current);
}
