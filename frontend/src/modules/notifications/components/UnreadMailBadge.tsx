"use client";

import { useNotifications } from "../hooks/useNotifications";
import { badgeCount } from "../utils/badge";

/** Unread received mail of the mailboxes I read, next to "Mail" in the navigation. */
export function UnreadMailBadge() {
  const notifications = useNotifications();
  const count = badgeCount(notifications.data?.mail_unread);
  if (!count) return null;
  return (
    <span data-testid="mail-unread-badge" className="rounded-full bg-indigo-600 px-2 text-xs font-semibold leading-5 text-white">
      <span className="sr-only">, </span>
      {count}
      <span className="sr-only"> unread</span>
    </span>
  );
}
