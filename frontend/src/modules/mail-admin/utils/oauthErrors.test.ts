import { describe, expect, it } from "vitest";

import { oauthErrorMessage } from "./oauthErrors";

describe("oauthErrorMessage", () => {
  it("says what each refusal of the connect means", () => {
    expect(oauthErrorMessage("oauth_state_used")).toBe("This sign-in was already used. Start connecting again.");
    expect(oauthErrorMessage("oauth_denied")).toBe("The provider did not grant access. Start again and allow Atrium to use the mailbox.");
    expect(oauthErrorMessage("oauth_session_required")).toBe("Sign in to Atrium first, then start connecting the mailbox again.");
  });

  it("groups every server refusal of the new token", () => {
    expect(oauthErrorMessage("credentials_refused_auth_failed")).toBe(oauthErrorMessage("credentials_refused_unreachable"));
    expect(oauthErrorMessage("credentials_refused_auth_failed")).toContain("mail server refused the sign-in");
  });

  it("never shows text from the link for an unknown code", () => {
    expect(oauthErrorMessage("<script>alert(1)</script>")).toBe("Connecting the mailbox did not finish. Start again.");
    expect(oauthErrorMessage("toString")).toBe("Connecting the mailbox did not finish. Start again.");
  });
});
