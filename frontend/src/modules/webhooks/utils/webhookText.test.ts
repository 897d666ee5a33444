import { describe, expect, it } from "vitest";

import { deliveryOutcome, deliveryTone, eventLabel, eventsToggle } from "./webhookText";

const base = { status: "succeeded" as const, attempts: 1, response_status: 200, error: "", next_attempt_at: null };

describe("webhook words", () => {
  it("names known events and passes unknown ones through", () => {
    expect(eventLabel("user.invited")).toBe("A colleague was invited");
    expect(eventLabel("crm.future")).toBe("crm.future");
  });

  it("gives each delivery status its tone", () => {
    expect([deliveryTone("pending"), deliveryTone("retrying"), deliveryTone("succeeded"), deliveryTone("failed")]).toEqual([
      "neutral",
      "warning",
      "success",
      "danger",
    ]);
  });

  it("says how a delivery went", () => {
    expect(deliveryOutcome(base)).toBe("HTTP 200 after 1 attempt");
    expect(deliveryOutcome({ ...base, status: "failed", attempts: 6, response_status: null, error: "timed out" })).toBe(
      "timed out after 6 attempts",
    );
    expect(deliveryOutcome({ ...base, status: "pending", attempts: 0, response_status: null })).toBe("Waiting to be sent");
    const retrying = deliveryOutcome({ ...base, status: "retrying", attempts: 2, response_status: 500, next_attempt_at: "2026-01-01T10:00:00Z" });
    expect(retrying.startsWith("HTTP 500 after 2 attempts; next try ")).toBe(true);
  });

  it("toggles events keeping the catalogue's order", () => {
    const catalogue = ["user.invited", "user.joined", "mail.sent"];
    expect(eventsToggle(catalogue, ["mail.sent"], "user.invited")).toEqual(["user.invited", "mail.sent"]);
    expect(eventsToggle(catalogue, ["user.invited", "mail.sent"], "mail.sent")).toEqual(["user.invited"]);
  });
});
