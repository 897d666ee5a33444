// The static export is served on every host: the apex (and www) of BASE_DOMAIN is the public site, any other
// host is a company's portal (its subdomain or its own domain).

export type SiteKind = "public" | "portal";

export function normalizeHostname(hostname: string): string {
  return hostname.trim().toLowerCase().replace(/\.$/, "");
}

export function siteKind(hostname: string, baseDomain: string): SiteKind {
  const host = normalizeHostname(hostname);
  const base = normalizeHostname(baseDomain);
  if (host === base || host === `www.${base}`) return "public";
  if (host.endsWith(`.${base}`)) return "portal";
  // A build made without this installation's BASE_DOMAIN (or a company's own domain): www.<name> and a bare
  // two-label name are the public site, anything deeper a company. A company's own bare apex domain needs a
  // build with BASE_DOMAIN set to be told apart.
  const labels = host.split(".");
  if (base === "localhost" && (labels[0] === "www" || labels.length <= 2)) return "public";
  return "portal";
}

/** The company's subdomain when the host is <subdomain>.<baseDomain>, else null. */
export function companySubdomain(hostname: string, baseDomain: string): string | null {
  const host = normalizeHostname(hostname);
  const suffix = `.${normalizeHostname(baseDomain)}`;
  if (!host.endsWith(suffix)) return null;
  const label = host.slice(0, -suffix.length);
  return label && !label.includes(".") && label !== "www" ? label : null;
}

/** An absolute URL on another host of this installation, keeping the current scheme and port. */
export function hostUrl(location: Pick<Location, "protocol" | "port">, hostname: string, path = "/"): string {
  const port = location.port ? `:${location.port}` : "";
  return `${location.protocol}//${hostname}${port}${path}`;
}

export function publicSiteUrl(location: Pick<Location, "protocol" | "port">, baseDomain: string, path = "/"): string {
  return hostUrl(location, normalizeHostname(baseDomain), path);
}

export function companyUrl(
  location: Pick<Location, "protocol" | "port">,
  subdomain: string,
  baseDomain: string,
  path = "/",
): string {
  return hostUrl(location, `${subdomain}.${normalizeHostname(baseDomain)}`, path);
}

export const BASE_DOMAIN = process.env.NEXT_PUBLIC_BASE_DOMAIN ?? "localhost";
