// The mail API refuses credentials with one code per problem (credentials_refused_auth_failed, ..._unreachable,
// ..._tls_error, ..._protocol_error) and a message naming the server ("The IMAP server host:port ..."). This puts
// that message next to the field the user has to change.
import type { ApiError } from "@/api/errors";

export type ConnectField = "password" | "imap_host" | "imap_security" | "smtp_host" | "smtp_security";

const REFUSED_PREFIX = "credentials_refused_";

/** The form field a credentials refusal belongs to; null for any other error. */
export function credentialErrorField(code: string, message: string): ConnectField | null {
  if (!code.startsWith(REFUSED_PREFIX)) return null;
  const problem = code.slice(REFUSED_PREFIX.length);
  const server = /\bSMTP\b/.test(message) ? "smtp" : "imap";
  if (problem === "auth_failed" || problem === "reauth_required") return "password";
  if (problem === "tls_error") return `${server}_security`;
  return `${server}_host`;
}

/** Field errors of a failed connect: the API's own per-field errors plus a refusal placed on its field. */
export function connectFieldErrors(error: ApiError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error.fields)) {
    if (messages[0]) fields[field] = messages[0];
  }
  const field = credentialErrorField(error.code, error.message);
  if (field) fields[field] = error.message;
  return fields;
}
