// Words the admin reads for webhook events and delivery outcomes.
import type { WebhookDelivery, WebhookDeliveryStatus } from "@/api/schemas";

const EVENT_LABELS: Record<string, string> = {
  "user.invited": "A colleague was invited",
  "user.joined": "An invitation was accepted",
  "mail_account.status_changed": "A mail account's status changed",
  "mail.sent": "A message was sent",
  "mail.send_failed": "A message could not be sent",
  "webhook.test": "Test event",
};

export function eventLabel(eventType: string): string {
  return EVENT_LABELS[eventType] ?? eventType;
}

export type Tone = "neutral" | "success" | "warning" | "danger";

const STATUS_TONES: Record<WebhookDeliveryStatus, Tone> = {
  pending: "neutral",
  retrying: "warning",
  succeeded: "success",
  failed: "danger",
};

export function deliveryTone(status: WebhookDeliveryStatus): Tone {
  return STATUS_TONES[status];
}

/** One line on how a delivery went: the receiver's answer, or why there was none, and what comes next. */
export function deliveryOutcome(delivery: Pick<WebhookDelivery, "status" | "attempts" | "response_status" | "error" | "next_attempt_at">): string {
  if (delivery.status === "pending") return "Waiting to be sent";
  const answer = delivery.response_status !== null && delivery.response_status !== undefined
    ? `HTTP ${delivery.response_status}`
    : delivery.error || "No answer";
  const tries = `${delivery.attempts} ${delivery.attempts === 1 ? "attempt" : "attempts"}`;
  if (delivery.status === "retrying" && delivery.next_attempt_at) {
    return `${answer} after ${tries}; next try ${new Date(delivery.next_attempt_at).toLocaleString()}`;
  }
  return `${answer} after ${tries}`;
}

/** The events chosen in a form, in catalogue order, toggling one. */
export function eventsToggle(catalogue: readonly string[], chosen: readonly string[], eventType: string): string[] {
  const next = chosen.includes(eventType) ? chosen.filter((item) => item !== eventType) : [...chosen, eventType];
  return catalogue.filter((item) => next.includes(item));
}
