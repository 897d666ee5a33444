// The typed API clients: paths, parameters and bodies come from the committed OpenAPI schemas
// (frontend/schema/*.json, turned into src/api/generated/*.ts by `npm run gen:api`).
import createClient, { type Middleware } from "openapi-fetch";

import { CSRF_HEADER_NAME, csrfTokenEnsure, isUnsafeMethod } from "./csrf";
import { apiErrorFrom, networkError } from "./errors";
import type { paths as PublicPaths } from "./generated/public";
import type { paths as TenantPaths } from "./generated/tenant";

async function csrfTokenFetch(): Promise<string | null> {
  try {
    const response = await fetch("/api/auth/csrf", { credentials: "same-origin" });
    if (!response.ok) return null;
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null && "csrf_token" in body && typeof body.csrf_token === "string") {
      return body.csrf_token;
    }
    return null;
  } catch {
    return null;
  }
}

function documentCookies(): string {
  return typeof document === "undefined" ? "" : document.cookie;
}

export async function csrfHeaders(method: string): Promise<Record<string, string>> {
  if (!isUnsafeMethod(method)) return {};
  const token = await csrfTokenEnsure(documentCookies, csrfTokenFetch);
  return token ? { [CSRF_HEADER_NAME]: token } : {};
}

const csrfMiddleware: Middleware = {
  async onRequest({ request }) {
    const headers = await csrfHeaders(request.method);
    for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
    return request;
  },
};

/** The API of a company's host (session cookie + CSRF). */
export const tenantApi = createClient<TenantPaths>({ baseUrl: "", credentials: "same-origin" });
tenantApi.use(csrfMiddleware);

/** The API of the public site (signup, plans); no session there. */
export const publicApi = createClient<PublicPaths>({ baseUrl: "", credentials: "same-origin" });

type FetchResult<D, E> = { data?: D; error?: E; response: Response };

/** The data of a successful call; any failure becomes an ApiError with a message for the user. */
export async function call<D, E>(request: Promise<FetchResult<D, E>>): Promise<D> {
  let result: FetchResult<D, E>;
  try {
    result = await request;
  } catch {
    throw networkError();
  }
  if (!result.response.ok) throw apiErrorFrom(result.response.status, result.error);
  return result.data as D;
}

/** multipart/form-data upload (the generated client only speaks JSON), with CSRF and the same errors. */
export async function uploadForm<T>(path: string, method: "PUT" | "POST", form: FormData): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      body: form,
      credentials: "same-origin",
      headers: await csrfHeaders(method),
    });
  } catch {
    throw networkError();
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw apiErrorFrom(response.status, body);
  return body as T;
}
