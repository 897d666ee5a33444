import { describe, expect, it } from "vitest";

import { outgoingStatus } from "./outbox";

const now = new Date("2026-03-01T10:00:00Z");
const base = { send_at: "2026-03-01T09:59:00Z", undo_until: "2026-03-01T10:00:05Z", sent_copy_error: "" };

describe("outgoingStatus", () => {
  it("says a failed message was not sent", () => {
    expect(outgoingStatus({ ...base, status: "failed" }, now)).toEqual({ label: "Not sent", tone: "danger", text: "It was not sent." });
  });

  it("tells queued from scheduled by the send time", () => {
    expect(outgoingStatus({ ...base, status: "queued" }, now).label).toBe("Queued");
    expect(outgoingStatus({ ...base, status: "queued", send_at: "2026-03-02T08:00:00Z" }, now).label).toBe("Scheduled");
  });

  it("names a missing Sent copy", () => {
    expect(outgoingStatus({ ...base, status: "sent", sent_copy_error: "APPEND refused" }, now).text).toMatch(/APPEND refused/);
    expect(outgoingStatus({ ...base, status: "sent" }, now)).toEqual({ label: "Sent", tone: "success", text: "It was sent." });
  });

  it("has words for sending and cancelled", () => {
    expect(outgoingStatus({ ...base, status: "sending" }, now).label).toBe("Sending");
    expect(outgoingStatus({ ...base, status: "cancelled" }, now).tone).toBe("neutral");
  });
});
