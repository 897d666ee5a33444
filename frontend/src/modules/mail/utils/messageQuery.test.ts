import { describe, expect, it } from "vitest";

import { EMPTY_SEARCH, cursorFrom, isSearching, localDayStart, messageListQuery } from "./messageQuery";

describe("messageListQuery", () => {
  it("asks only for the folder and page size when nothing else is set", () => {
    expect(messageListQuery({ ...EMPTY_SEARCH, folderId: 7 })).toEqual({ folder: 7, page_size: 50 });
  });

  it("sends every filter that is set, trimmed, with the cursor", () => {
    const query = messageListQuery(
      { ...EMPTY_SEARCH, text: "  invoice q3 ", unread: true, flagged: true, hasAttachments: true, sender: " Bob@Example.org " },
      "abc",
      20,
    );
    expect(query).toEqual({
      q: "invoice q3",
      unread: true,
      flagged: true,
      has_attachments: true,
      sender: "Bob@Example.org",
      cursor: "abc",
      page_size: 20,
    });
  });

  it("turns a date range into whole local days, the end day included", () => {
    const query = messageListQuery({ ...EMPTY_SEARCH, since: "2026-03-01", until: "2026-03-31" });
    expect(query.since).toBe(new Date(2026, 2, 1).toISOString());
    expect(query.until).toBe(new Date(2026, 3, 1).toISOString());
  });

  it("ignores a date that is not yyyy-mm-dd", () => {
    expect(messageListQuery({ ...EMPTY_SEARCH, since: "yesterday", until: "2026-13" })).toEqual({ page_size: 50 });
    expect(localDayStart("")).toBeUndefined();
  });
});

describe("isSearching", () => {
  it("is false for a plain folder and true for any filter", () => {
    expect(isSearching({ ...EMPTY_SEARCH, folderId: 3 })).toBe(false);
    expect(isSearching({ ...EMPTY_SEARCH, text: "  " })).toBe(false);
    expect(isSearching({ ...EMPTY_SEARCH, flagged: true })).toBe(true);
    expect(isSearching({ ...EMPTY_SEARCH, until: "2026-01-01" })).toBe(true);
  });
});

describe("cursorFrom", () => {
  it("reads the cursor of an absolute or relative next link", () => {
    expect(cursorFrom("http://acme.localhost:8000/api/mail/accounts/1/messages?cursor=cD0yMDI2&folder=2")).toBe("cD0yMDI2");
    expect(cursorFrom("/api/mail/accounts/1/messages?folder=2&cursor=xyz%3D")).toBe("xyz=");
  });

  it("is undefined at the end of the list", () => {
    expect(cursorFrom(null)).toBeUndefined();
    expect(cursorFrom("")).toBeUndefined();
    expect(cursorFrom("/api/mail/accounts/1/messages?folder=2")).toBeUndefined();
  });
});
