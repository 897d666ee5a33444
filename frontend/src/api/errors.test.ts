import { describe, expect, it } from "vitest";

import { ApiError, NETWORK_ERROR_MESSAGE, apiErrorFrom, errorMessage, isAuthError, networkError } from "./errors";

describe("apiErrorFrom", () => {
  it("keeps the API's code, message and field errors", () => {
    const error = apiErrorFrom(400, {
      error: {
        code: "invalid",
        message: "Check the highlighted fields.",
        fields: { email: ["Enter a valid email address."], non_field_errors: ["Nope."] },
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message]).toEqual([400, "invalid", "Check the highlighted fields."]);
    expect(error.fieldError("email")).toBe("Enter a valid email address.");
    expect(error.fieldError("password")).toBeUndefined();
    expect(error.otherFieldErrors(["email"])).toEqual(["Nope."]);
  });

  it("falls back to a message by status for bodies that are not the error shape", () => {
    expect(apiErrorFrom(502, "<html>Bad gateway</html>").message).toBe("Atrium is restarting. Try again in a moment.");
    expect(apiErrorFrom(429, null).code).toBe("http_429");
    expect(apiErrorFrom(500, undefined).message).toBe("Something went wrong on our side. Try again.");
    expect(apiErrorFrom(418, {}).message).toBe("That didn't work. Try again.");
  });

  it("ignores malformed fields instead of crashing", () => {
    const error = apiErrorFrom(400, { error: { code: "invalid", message: "", fields: { a: [1, "x"], b: "y", c: 3 } } });
    expect(error.fields).toEqual({ a: ["x"], b: ["y"] });
    expect(error.message).toBe("Something in the form isn't right. Check it and try again.");
  });
});

describe("errorMessage and isAuthError", () => {
  it("speaks the user's language for any failure", () => {
    expect(errorMessage(networkError())).toBe(NETWORK_ERROR_MESSAGE);
    expect(errorMessage(new TypeError("x is undefined"))).toBe("Something went wrong. Try again.");
  });

  it("recognises a missing session", () => {
    const notSignedIn = apiErrorFrom(403, { error: { code: "not_authenticated", message: "Sign in.", fields: {} } });
    expect(isAuthError(notSignedIn)).toBe(true);
    expect(isAuthError(apiErrorFrom(401, null))).toBe(true);
    expect(isAuthError(apiErrorFrom(403, { error: { code: "permission_denied", message: "No.", fields: {} } }))).toBe(false);
  });
});
