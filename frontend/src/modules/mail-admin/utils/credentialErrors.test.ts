import { describe, expect, it } from "vitest";

import { ApiError } from "@/api/errors";

import { connectFieldErrors, credentialErrorField } from "./credentialErrors";

describe("credentialErrorField", () => {
  it("puts a refused login on the password", () => {
    expect(credentialErrorField("credentials_refused_auth_failed", "The IMAP server 127.0.0.1:1143 refused the login")).toBe("password");
    expect(credentialErrorField("credentials_refused_auth_failed", "The SMTP server 127.0.0.1:25 refused the login: 535")).toBe("password");
  });

  it("puts connection and TLS problems on the server that had them", () => {
    expect(credentialErrorField("credentials_refused_unreachable", "The IMAP server 127.0.0.1:1 refused the connection.")).toBe("imap_host");
    expect(credentialErrorField("credentials_refused_unreachable", "The SMTP server smtp.x:465 did not answer.")).toBe("smtp_host");
    expect(credentialErrorField("credentials_refused_tls_error", "The IMAP server x:993 TLS handshake failed")).toBe("imap_security");
    expect(credentialErrorField("credentials_refused_protocol_error", "The SMTP server x:25 answered garbage")).toBe("smtp_host");
  });

  it("leaves other errors alone", () => {
    expect(credentialErrorField("plan_limit", "Your plan allows 1 mail account.")).toBeNull();
  });
});

describe("connectFieldErrors", () => {
  it("merges the API's field errors with the refusal's field", () => {
    const error = new ApiError(400, "credentials_refused_auth_failed", "The IMAP server x refused the login", { name: ["This field is required."] });
    expect(connectFieldErrors(error)).toEqual({ name: "This field is required.", password: "The IMAP server x refused the login" });
  });
});
