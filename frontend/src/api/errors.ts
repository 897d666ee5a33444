// Every API error arrives as {"error": {"code", "message", "fields"}}; this turns any failure, including a
// network failure or a proxy's HTML error page, into one ApiError whose message can be shown to the user.

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;

  constructor(status: number, code: string, message: string, fields: FieldErrors = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** The first message for a form field, if the API named one. */
  fieldError(field: string): string | undefined {
    return this.fields[field]?.[0];
  }

  /** Messages that belong to no field shown on the form (non_field_errors, or fields the form lacks). */
  otherFieldErrors(shownFields: readonly string[]): string[] {
    return Object.entries(this.fields)
      .filter(([field]) => !shownFields.includes(field))
      .flatMap(([, messages]) => messages);
  }
}

const STATUS_MESSAGES: Record<number, string> = {
  400: "Something in the form isn't right. Check it and try again.",
  401: "Your session has ended. Sign in again.",
  403: "You don't have permission to do that.",
  404: "We couldn't find that. It may have been removed.",
  413: "That file is too large.",
  429: "Too many attempts. Wait a moment and try again.",
  502: "Atrium is restarting. Try again in a moment.",
  503: "Atrium is briefly unavailable. Try again in a moment.",
  504: "Atrium took too long to answer. Try again in a moment.",
};

export const NETWORK_ERROR_MESSAGE = "We can't reach Atrium. Check your connection and try again.";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldErrorsFrom(value: unknown): FieldErrors {
  if (!isRecord(value)) return {};
  const fields: FieldErrors = {};
  for (const [field, messages] of Object.entries(value)) {
    if (Array.isArray(messages)) {
      const texts = messages.filter((message): message is string => typeof message === "string");
      if (texts.length > 0) fields[field] = texts;
    } else if (typeof messages === "string") {
      fields[field] = [messages];
    }
  }
  return fields;
}

export function fallbackMessage(status: number): string {
  return STATUS_MESSAGES[status] ?? (status >= 500 ? "Something went wrong on our side. Try again." : "That didn't work. Try again.");
}

/** An ApiError from a response status and its parsed body (whatever it is). */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error)) {
    const code = typeof error.code === "string" ? error.code : `http_${status}`;
    const message = typeof error.message === "string" && error.message ? error.message : fallbackMessage(status);
    return new ApiError(status, code, message, fieldErrorsFrom(error.fields));
  }
  return new ApiError(status, `http_${status}`, fallbackMessage(status));
}

export function networkError(): ApiError {
  return new ApiError(0, "network_error", NETWORK_ERROR_MESSAGE);
}

/** Any thrown value as a message for the user. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Try again.";
}

export function isAuthError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.code === "not_authenticated");
}
