import type { MessageSearch } from "../utils/messageQuery";

/** TanStack Query keys of the mail client; the message list key carries every filter it was fetched with. */
export const mailKeys = {
  all: ["mail"] as const,
  accounts: ["mail", "accounts"] as const,
  presets: ["mail", "presets"] as const,
  folders: (accountId: number) => ["mail", "folders", accountId] as const,
  messages: (accountId: number, search: MessageSearch) => ["mail", "messages", accountId, search] as const,
  messageLists: (accountId: number) => ["mail", "messages", accountId] as const,
  message: (messageId: number, remoteImages: boolean) => ["mail", "message", messageId, remoteImages] as const,
  thread: (accountId: number, threadId: number) => ["mail", "thread", accountId, threadId] as const,
  drafts: (accountId: number) => ["mail", "drafts", accountId] as const,
  outgoing: (outgoingId: number) => ["mail", "outgoing", outgoingId] as const,
};
