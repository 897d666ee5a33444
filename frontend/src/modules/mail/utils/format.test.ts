import { describe, expect, it } from "vitest";

import type { MailAccount } from "@/api/schemas";

import { byteSize, folderLabel, foldersSorted, mailDate, senderLabel, syncPercent } from "./format";

const sync = (overrides: Partial<MailAccount["sync"]>): MailAccount["sync"] => ({
  state: "syncing",
  folders_total: 0,
  folders_done: 0,
  messages_total: 0,
  messages_done: 0,
  last_synced_at: null,
  ...overrides,
});

describe("syncPercent", () => {
  it("counts messages, then folders, and is null when not syncing", () => {
    expect(syncPercent(sync({ messages_total: 200, messages_done: 50 }))).toBe(25);
    expect(syncPercent(sync({ folders_total: 4, folders_done: 3 }))).toBe(75);
    expect(syncPercent(sync({}))).toBe(0);
    expect(syncPercent(sync({ messages_total: 10, messages_done: 12 }))).toBe(100);
    expect(syncPercent(sync({ state: "idle", messages_total: 10, messages_done: 10, last_synced_at: "2026-01-01T00:00:00Z" }))).toBeNull();
    expect(syncPercent(sync({ state: "failed" }))).toBeNull();
  });

  it("shows an empty bar while the first sync waits for a worker", () => {
    expect(syncPercent(sync({ state: "idle" }))).toBe(0);
  });
});

describe("folders", () => {
  it("names special folders and sorts them first", () => {
    const folders = [
      { name: "Projects/Atrium", role: "" as const, delimiter: "/" },
      { name: "Trash", role: "trash" as const, delimiter: "/" },
      { name: "INBOX", role: "inbox" as const, delimiter: "/" },
      { name: "Archive", role: "" as const, delimiter: "/" },
      { name: "Sent Items", role: "sent" as const, delimiter: "/" },
    ];
    expect(foldersSorted(folders).map(folderLabel)).toEqual(["Inbox", "Sent", "Trash", "Archive", "Atrium"]);
  });
});

describe("list formatting", () => {
  it("shows the time for today and the year only for older mail", () => {
    const now = new Date(2026, 5, 15, 18, 0);
    expect(mailDate(new Date(2026, 5, 15, 9, 5).toISOString(), now)).toMatch(/9.05/);
    expect(mailDate(new Date(2026, 0, 2).toISOString(), now)).not.toMatch(/2026/);
    expect(mailDate(new Date(2024, 0, 2).toISOString(), now)).toMatch(/2024/);
    expect(mailDate(null, now)).toBe("");
  });

  it("falls back from name to address", () => {
    expect(senderLabel({ from_name: " ", from_address: "bob@example.org" })).toBe("bob@example.org");
    expect(senderLabel({ from_name: "", from_address: "" })).toBe("(unknown sender)");
  });

  it("prints sizes", () => {
    expect([byteSize(512), byteSize(2048), byteSize(3 * 1024 * 1024)]).toEqual(["512 B", "2 KB", "3.0 MB"]);
  });
});
