// Django's CSRF protection: the token lives in the `atrium_csrftoken` cookie and goes back in X-CSRFToken on
// every unsafe request. Login rotates it, so it is read from the cookie at each request, never cached.

export const CSRF_COOKIE_NAME = "atrium_csrftoken";
export const CSRF_HEADER_NAME = "X-CSRFToken";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(";")) {
    const separator = part.indexOf("=");
    if (separator === -1) continue;
    const key = part.slice(0, separator).trim();
    if (key === name) {
      const value = part.slice(separator + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

export function csrfTokenFromCookies(cookieHeader: string): string | null {
  const token = readCookie(cookieHeader, CSRF_COOKIE_NAME);
  return token ? token : null;
}

/**
 * The token to send with an unsafe request. When the cookie is missing, `fetchToken` asks the API for one
 * (GET /api/auth/csrf sets the cookie); its answer is used if the cookie still cannot be read.
 */
export async function csrfTokenEnsure(
  readCookies: () => string,
  fetchToken: () => Promise<string | null>,
): Promise<string | null> {
  const existing = csrfTokenFromCookies(readCookies());
  if (existing) return existing;
  const fetched = await fetchToken();
  return csrfTokenFromCookies(readCookies()) ?? fetched;
}
