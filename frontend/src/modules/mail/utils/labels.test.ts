import { describe, expect, it } from "vitest";

import { accountIsGmail, keywordProblem, keywordsOf, labelName, labelProblem, labelRemovable, labelsOffered, labelsShown } from "./labels";

const folder = (gmail_label: string | null) => ({ gmail_label });

describe("accountIsGmail", () => {
  it("follows the preset or the label folders the sync found", () => {
    expect(accountIsGmail({ provider: "gmail" }, [])).toBe(true);
    expect(accountIsGmail({ provider: "custom" }, [folder(null), folder("Clients")])).toBe(true);
    expect(accountIsGmail({ provider: "custom" }, [folder(null)])).toBe(false);
  });
});

describe("labels", () => {
  it("names Gmail's system labels and keeps the user's", () => {
    expect(labelName("\\Inbox")).toBe("Inbox");
    expect(labelName("\\Draft")).toBe("Drafts");
    expect(labelName("Clients/Été")).toBe("Clients/Été");
  });

  it("lets the user take off their labels, Inbox and Important only", () => {
    expect(labelRemovable("Clients")).toBe(true);
    expect(labelRemovable("\\Inbox")).toBe(true);
    expect(labelRemovable("\\Important")).toBe(true);
    expect(labelRemovable("\\Sent")).toBe(false);
    expect(labelRemovable("\\Starred")).toBe(false);
  });

  it("shows system labels first, then the user's by name", () => {
    expect(labelsShown(["zeta", "\\Inbox", "Alpha", "\\Important"])).toEqual(["\\Important", "\\Inbox", "Alpha", "zeta"]);
  });

  it("offers the settable system labels and the account's labels the message lacks", () => {
    const folders = [folder(null), folder("\\Inbox"), folder("Clients"), folder("Billing"), folder("Clients"), folder("\\Starred")];
    expect(labelsOffered(folders, ["Clients", "\\Inbox"])).toEqual(["\\Important", "Billing"]);
    expect(labelsOffered(folders, [])).toEqual(["\\Important", "\\Inbox", "Billing", "Clients"]);
  });

  it("refuses what the server refuses", () => {
    expect(labelProblem("  ")).toBe("Type a label name.");
    expect(labelProblem("bad\u0007bell")).toMatch(/control characters/);
    expect(labelProblem("\\Sent")).toMatch(/belong to Gmail/);
    expect(labelProblem("[Gmail]/Mine")).toMatch(/belong to Gmail/);
    expect(labelProblem("x".repeat(226))).toMatch(/at most 225/);
    expect(labelProblem("\\Important")).toBeNull();
    expect(labelProblem("Clients/Été")).toBeNull();
  });
});

describe("keywords", () => {
  it("are the flags that are neither system flags nor set by mail programs", () => {
    expect(keywordsOf(["\\Seen", "urgent", "$Forwarded", "$label1", "Client-A", "$MDNSent", "NonJunk"])).toEqual(["$label1", "Client-A", "urgent"]);
  });

  it("are IMAP atoms", () => {
    expect(keywordProblem("")).toBe("Type a tag.");
    expect(keywordProblem("two words")).toMatch(/no spaces/);
    expect(keywordProblem("a(b)")).toMatch(/no brackets/);
    expect(keywordProblem("back\\slash")).toMatch(/no brackets/);
    expect(keywordProblem("é")).toMatch(/letters/);
    expect(keywordProblem("x".repeat(101))).toMatch(/1 to 100/);
    expect(keywordProblem("follow-up")).toBeNull();
    expect(keywordProblem("$label1")).toBeNull();
  });
});
