import type { BillingState } from "@/api/schemas";

export type BillingNotice = { tone: "info" | "warning" | "danger"; title: string; message: string };

function day(iso: string | null): string {
  if (!iso) return "soon";
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "long", year: "numeric" });
}

/** The banner a company's state calls for, or null when all is well. */
export function billingNotice(state: BillingState, now: Date = new Date()): BillingNotice | null {
  if (!state.enabled) return null;
  if (state.read_only) {
    return {
      tone: "danger",
      title: "Your company is read-only",
      message: state.read_only_reason || "Update your payment details to make changes again.",
    };
  }
  if (state.payment_overdue_banner) {
    return {
      tone: "warning",
      title: "Your last payment failed",
      message: `Update your card by ${day(state.grace_ends_at)} to keep everything working.`,
    };
  }
  if (state.status === "trialing" && state.trial_ends_at) {
    const daysLeft = Math.max(0, Math.ceil((new Date(state.trial_ends_at).getTime() - now.getTime()) / 86_400_000));
    return {
      tone: "info",
      title: daysLeft === 1 ? "1 day left in your trial" : `${daysLeft} days left in your trial`,
      message: `Your free trial ends on ${day(state.trial_ends_at)}. Choose a plan to keep going.`,
    };
  }
  return null;
}
