// How an outbox message's status reads: a badge and a sentence, in the user's words.
import type { MailOutgoing } from "@/api/schemas";

type Tone = "neutral" | "brand" | "success" | "warning" | "danger";

export type OutgoingStatus = { label: string; tone: Tone; text: string };

/** The badge and sentence for an outbox message's status (queued, sending, sent, failed, cancelled). */
export function outgoingStatus(message: Pick<MailOutgoing, "status" | "send_at" | "undo_until" | "sent_copy_error">, now: Date = new Date()): OutgoingStatus {
  switch (message.status) {
    case "queued": {
      const scheduled = new Date(message.send_at).getTime() > Math.max(now.getTime(), new Date(message.undo_until).getTime());
      return scheduled
        ? { label: "Scheduled", tone: "brand", text: "It is scheduled and leaves at the time you chose." }
        : { label: "Queued", tone: "brand", text: "It is queued and leaves in a moment." };
    }
    case "sending":
      return { label: "Sending", tone: "brand", text: "It is being sent now." };
    case "sent":
      return message.sent_copy_error
        ? { label: "Sent", tone: "success", text: `It was sent; no copy could be filed in Sent: ${message.sent_copy_error}` }
        : { label: "Sent", tone: "success", text: "It was sent." };
    case "failed":
      return { label: "Not sent", tone: "danger", text: "It was not sent." };
    case "cancelled":
      return { label: "Cancelled", tone: "neutral", text: "Sending was undone; it was not sent." };
    default:
      return { label: message.status, tone: "neutral", text: "" };
  }
}
