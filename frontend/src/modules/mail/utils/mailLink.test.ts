import { describe, expect, it } from "vitest";

import { mailLinkParse } from "./mailLink";

describe("mailLinkParse", () => {
  it("reads the account and the message", () => {
    expect(mailLinkParse(new URLSearchParams("account=2&message=31"))).toEqual({ accountId: 2, messageId: 31, outboxId: null, connectedId: null });
  });

  it("reads the outbox message of a failed send's notification", () => {
    expect(mailLinkParse(new URLSearchParams("account=2&outbox=7"))).toEqual({ accountId: 2, messageId: null, outboxId: 7, connectedId: null });
  });

  it("opens the account just connected", () => {
    expect(mailLinkParse(new URLSearchParams("connected=9"))).toEqual({ accountId: 9, messageId: null, outboxId: null, connectedId: 9 });
  });

  it("ignores what is not a positive id", () => {
    const none = { accountId: null, messageId: null, outboxId: null, connectedId: null };
    expect(mailLinkParse(new URLSearchParams("account=0&message=-4&outbox=x"))).toEqual(none);
    expect(mailLinkParse(new URLSearchParams("account=2x&message=1e3&connected=0"))).toEqual(none);
    expect(mailLinkParse(new URLSearchParams(""))).toEqual(none);
  });
});
