import { describe, expect, it } from "vitest";

import type { MailDraft, MailMessageDetail } from "@/api/schemas";

import { composeFrom, composeFromDraft, draftSummary, NEW_MESSAGE, outboxRequest, recipientsSplit } from "./compose";

const message = {
  id: 7,
  subject: "Lunch on Friday?",
  from_name: "Ann Example",
  from_address: "ann@example.org",
  reply_to: [],
  to: [
    { name: "", address: "me@acme.test" },
    { name: "Carl", address: "carl@client.example" },
  ],
  cc: [{ name: "Dana, Legal", address: "dana@legal.example" }, { name: "", address: "ANN@example.org" }],
} as unknown as MailMessageDetail;

describe("composeFrom", () => {
  it("replies to the sender with Re:", () => {
    const fields = composeFrom(message, "reply", "me@acme.test");
    expect(fields).toMatchObject({ mode: "reply", sourceMessageId: 7, to: "Ann Example <ann@example.org>", cc: "", subject: "Re: Lunch on Friday?" });
  });

  it("replies to all but me, without doubles", () => {
    const fields = composeFrom(message, "reply_all", "ME@acme.test");
    expect(fields.to).toBe("Ann Example <ann@example.org>");
    expect(fields.cc).toBe("Carl <carl@client.example>, Dana Legal <dana@legal.example>");
  });

  it("prefers Reply-To and does not stack prefixes", () => {
    const fields = composeFrom({ ...message, subject: "RE: Lunch", reply_to: [{ name: "", address: "list@example.org" }] }, "reply", "me@acme.test");
    expect(fields.to).toBe("list@example.org");
    expect(fields.subject).toBe("RE: Lunch");
  });

  it("forwards with Fwd: and no recipients", () => {
    expect(composeFrom(message, "forward", "me@acme.test")).toMatchObject({ to: "", cc: "", subject: "Fwd: Lunch on Friday?" });
  });
});

describe("recipientsSplit", () => {
  it("splits on commas and semicolons outside quotes and brackets", () => {
    expect(recipientsSplit(' "Doe, Jane" <jane@x.org>, bob@y.org; ,  ')).toEqual(['"Doe, Jane" <jane@x.org>', "bob@y.org"]);
  });
});

describe("outboxRequest", () => {
  it("sends the fields, quoting for replies, with the schedule as an instant", () => {
    const request = outboxRequest({ ...NEW_MESSAGE, mode: "reply", sourceMessageId: 7, to: "a@x.org", body: "Yes!", sendAt: "2026-05-01T09:30" }, [3]);
    expect(request).toMatchObject({ mode: "reply", source_message: 7, to: ["a@x.org"], cc: [], text_body: "Yes!", quote: true, attachments: [3] });
    expect(request.send_at).toBe(new Date(2026, 4, 1, 9, 30).toISOString());
    expect(outboxRequest(NEW_MESSAGE, []).send_at).toBeNull();
    expect(outboxRequest(NEW_MESSAGE, []).quote).toBe(false);
  });
});

const draft = {
  id: 12,
  account: 2,
  mode: "reply",
  source_message: 7,
  to: [{ name: "Carl Client", address: "carl@client.example" }],
  cc: [{ name: "", address: "dana@legal.example" }],
  bcc: [],
  subject: "Re: Lunch on Friday?",
  text_body: "Friday works.\n\nSee you",
  html_body: "",
  attachments: [{ id: 3, filename: "agenda.txt", content_type: "text/plain", size: 20, created_at: "2026-03-01T09:00:00Z" }],
} as unknown as MailDraft;

describe("composeFromDraft", () => {
  it("continues the saved draft with its recipients, text, attachments and source", () => {
    expect(composeFromDraft(draft)).toEqual({
      mode: "reply",
      sourceMessageId: 7,
      to: "Carl Client <carl@client.example>",
      cc: "dana@legal.example",
      bcc: "",
      subject: "Re: Lunch on Friday?",
      body: "Friday works.\n\nSee you",
      sendAt: "",
      uploads: draft.attachments,
      draftId: 12,
    });
  });

  it("becomes the same outbox request as the message it was written as", () => {
    const request = outboxRequest(composeFromDraft(draft), [3]);
    expect(request).toMatchObject({ mode: "reply", source_message: 7, to: ["Carl Client <carl@client.example>"], cc: ["dana@legal.example"], quote: true, attachments: [3] });
  });
});

describe("draftSummary", () => {
  it("names the subject, the recipients and the start of the text", () => {
    expect(draftSummary(draft)).toEqual({ title: "Re: Lunch on Friday?", recipients: "To: Carl Client", snippet: "Friday works. See you" });
  });

  it("has words for an empty draft", () => {
    expect(draftSummary({ subject: " ", to: [], text_body: "" })).toEqual({ title: "(no subject)", recipients: "No recipients yet", snippet: "" });
  });
});
