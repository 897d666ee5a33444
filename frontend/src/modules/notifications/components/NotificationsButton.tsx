"use client";

import Link from "next/link";
import { useId } from "react";

import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Spinner } from "@/modules/ui/components/Spinner";
import { usePopover } from "@/modules/ui/hooks/usePopover";
import { cx } from "@/modules/ui/utils/cx";

import { useNotifications, useNotificationsSeen } from "../hooks/useNotifications";
import { badgeCount } from "../utils/badge";

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The bell in the header: unread count, and a panel of the notifications; opening it marks them seen. */
export function NotificationsButton() {
  const notifications = useNotifications();
  const seen = useNotificationsSeen();
  const { open, setOpen, container } = usePopover();
  const panelId = useId();
  const unread = badgeCount(notifications.data?.unread_count);

  const toggle = () => {
    if (!open && notifications.data?.unread_count) seen.mutate();
    setOpen((value) => !value);
  };

  return (
    <div className="relative" ref={container}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        onClick={toggle}
        className="relative rounded-full p-2 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <svg viewBox="0 0 20 20" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true">
          <path d="M10 3a5 5 0 0 0-5 5v3l-1.5 2.5h13L15 11V8a5 5 0 0 0-5-5Z" strokeLinejoin="round" />
          <path d="M8 16a2 2 0 0 0 4 0" strokeLinecap="round" />
        </svg>
        {unread ? (
          <span data-testid="notifications-unread" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-semibold leading-5 text-white">
            {unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <section id={panelId} aria-label="Notifications" className="absolute right-0 z-20 mt-2 w-80 rounded-xl border border-slate-200 bg-white shadow-lg sm:w-96">
          <h2 className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">Notifications</h2>
          {notifications.isPending ? (
            <div className="p-4"><Spinner label="Loading notifications" /></div>
          ) : notifications.isError ? (
            <div className="p-4"><ErrorState error={notifications.error} onRetry={() => void notifications.refetch()} /></div>
          ) : notifications.data.items.length === 0 ? (
            <p className="px-4 py-6 text-center text-sm text-slate-500">You&apos;re all caught up.</p>
          ) : (
            <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
              {notifications.data.items.map((item) => (
                <li key={item.key}>
                  <Link href={item.href} onClick={() => setOpen(false)} className={cx("block px-4 py-3 hover:bg-slate-50", item.unread ? "bg-indigo-50/60" : "")}>
                    <p className="text-sm font-medium text-slate-900">
                      {item.unread ? <span className="sr-only">Unread: </span> : null}
                      {item.title}
                    </p>
                    {item.body ? <p className="mt-0.5 line-clamp-2 break-words text-sm text-slate-600">{item.body}</p> : null}
                    <p className="mt-1 text-xs text-slate-400">{TIME.format(new Date(item.at))}</p>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
