// A first suggestion for the company's address, and the checks the browser can make before asking the API
// (which applies the real rules: reserved names, names taken, length).

export const SUBDOMAIN_MAX_LENGTH = 63;

export function subdomainSuggest(companyName: string): string {
  return companyName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SUBDOMAIN_MAX_LENGTH)
    .replace(/-+$/g, "");
}

/** A message when the value cannot be a subdomain at all, else null. */
export function subdomainProblem(value: string): string | null {
  if (!value) return null;
  if (value.length > SUBDOMAIN_MAX_LENGTH) return `Use at most ${SUBDOMAIN_MAX_LENGTH} characters.`;
  if (!/^[a-z0-9-]+$/.test(value)) return "Use only lowercase letters, digits and hyphens.";
  if (value.startsWith("-") || value.endsWith("-")) return "Start and end with a letter or digit.";
  return null;
}
