import { describe, expect, it } from "vitest";

import { mailLinkParse } from "./mailLink";

describe("mailLinkParse", () => {
  it("reads the account and the message", () => {
    expect(mailLinkParse(new URLSearchParams("account=2&message=31"))).toEqual({ accountId: 2, messageId: 31 });
  });

  it("ignores what is not a positive id", () => {
    expect(mailLinkParse(new URLSearchParams("account=0&message=-4"))).toEqual({ accountId: null, messageId: null });
    expect(mailLinkParse(new URLSearchParams("account=2x&message=1e3"))).toEqual({ accountId: null, messageId: null });
    expect(mailLinkParse(new URLSearchParams(""))).toEqual({ accountId: null, messageId: null });
  });
});
