"use client";

import { UnreadMailBadge } from "../../notifications/components/UnreadMailBadge";
import { NavLink } from "./NavLink";

/** The portal's navigation; business sections (CRM, sales, mail) slot in as their screens land. */
export function SideNav({ isAdmin, onNavigate }: { isAdmin: boolean; onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="space-y-6">
      <div className="space-y-1">
        <NavLink href="/" onNavigate={onNavigate}>Home</NavLink>
        <NavLink href="/mail" onNavigate={onNavigate}>
          <span className="flex-1">Mail</span>
          <UnreadMailBadge />
        </NavLink>
      </div>
      {isAdmin ? (
        <div>
          <p className="px-3 pb-2 text-xs font-semibold uppercase tracking-wide text-slate-400">Administration</p>
          <div className="space-y-1">
            <NavLink href="/settings/users" onNavigate={onNavigate}>Users</NavLink>
            <NavLink href="/settings/invitations" onNavigate={onNavigate}>Invitations</NavLink>
            <NavLink href="/settings/mail-accounts" onNavigate={onNavigate}>Mail accounts</NavLink>
            <NavLink href="/settings/tokens" onNavigate={onNavigate}>API tokens</NavLink>
            <NavLink href="/settings/webhooks" onNavigate={onNavigate}>Webhooks</NavLink>
            <NavLink href="/settings/company" onNavigate={onNavigate}>Company settings</NavLink>
            <NavLink href="/settings/billing" onNavigate={onNavigate}>Billing</NavLink>
            <NavLink href="/settings/audit-log" onNavigate={onNavigate}>Audit log</NavLink>
          </div>
        </div>
      ) : null}
    </nav>
  );
}
