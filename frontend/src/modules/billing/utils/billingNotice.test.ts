import { describe, expect, it } from "vitest";

import type { BillingState } from "@/api/schemas";

import { billingNotice } from "./billingNotice";

const base: BillingState = {
  enabled: true,
  plan: null,
  status: "active",
  trial_ends_at: null,
  read_only: false,
  read_only_reason: "",
  payment_overdue_banner: false,
  grace_ends_at: null,
  usage: { users: 1 },
};

describe("billingNotice", () => {
  it("says nothing when billing is off or all is well", () => {
    expect(billingNotice({ ...base, enabled: false, read_only: true })).toBeNull();
    expect(billingNotice(base)).toBeNull();
  });

  it("puts read-only before an overdue payment", () => {
    const notice = billingNotice({ ...base, read_only: true, read_only_reason: "The subscription was canceled.", payment_overdue_banner: true });
    expect(notice).toEqual({ tone: "danger", title: "Your company is read-only", message: "The subscription was canceled." });
  });

  it("warns about an overdue payment", () => {
    expect(billingNotice({ ...base, status: "past_due", payment_overdue_banner: true })?.title).toBe("Your last payment failed");
  });

  it("counts the trial's days left, rounding up", () => {
    const now = new Date("2026-01-01T12:00:00Z");
    const notice = billingNotice({ ...base, status: "trialing", trial_ends_at: "2026-01-15T00:00:00Z" }, now);
    expect(notice?.title).toBe("14 days left in your trial");
    const lastDay = billingNotice({ ...base, status: "trialing", trial_ends_at: "2026-01-01T18:00:00Z" }, now);
    expect(lastDay?.title).toBe("1 day left in your trial");
  });
});
