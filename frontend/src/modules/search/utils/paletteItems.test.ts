import { describe, expect, it } from "vitest";

import { matchingPages, messageItems, personItems, selectionMove } from "./paletteItems";

describe("matchingPages", () => {
  it("matches titles and keywords by word prefix", () => {
    expect(matchingPages("bill", true).map((item) => item.href)).toEqual(["/settings/billing"]);
    expect(matchingPages("time zone", true).map((item) => item.href)).toEqual(["/settings/company"]);
    expect(matchingPages("pass", true).map((item) => item.title)).toEqual(["Your profile"]);
  });

  it("hides admin pages from members", () => {
    expect(matchingPages("billing", false)).toEqual([]);
    expect(matchingPages("", false).map((item) => item.title)).toEqual(["Home", "Mail", "Your profile"]);
  });
});

describe("personItems and messageItems", () => {
  it("link to the user and to the message in the mail client", () => {
    expect(personItems([{ id: 7, full_name: "Grace Hopper", email: "grace@acme.test", role: "admin" }])).toEqual([
      { id: "person:7", group: "People", title: "Grace Hopper", detail: "grace@acme.test · admin", href: "/settings/users?user=7" },
    ]);
    const [message] = messageItems([
      { id: 3, account_id: 2, subject: "", from_name: "", from_address: "a@b.test", snippet: "", internal_date: "2026-11-01T10:00:00Z" },
    ]);
    expect(message).toEqual({ id: "message:3", group: "Mail", title: "(no subject)", detail: "a@b.test", href: "/mail?account=2&message=3" });
  });
});

describe("selectionMove", () => {
  it("wraps around both ends", () => {
    expect(selectionMove(0, 1, 3)).toBe(1);
    expect(selectionMove(2, 1, 3)).toBe(0);
    expect(selectionMove(0, -1, 3)).toBe(2);
    expect(selectionMove(-1, 1, 3)).toBe(0);
    expect(selectionMove(-1, -1, 3)).toBe(2);
    expect(selectionMove(1, 1, 0)).toBe(-1);
  });
});
