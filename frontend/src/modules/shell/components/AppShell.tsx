"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";

import { isAuthError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Spinner } from "@/modules/ui/components/Spinner";

import { isAdminRole, useMe } from "../../auth/hooks/useMe";
import { BillingBanner } from "../../billing/components/BillingBanner";
import { NotificationsButton } from "../../notifications/components/NotificationsButton";
import { SearchButton } from "../../search/components/SearchButton";
import { SideNav } from "./SideNav";
import { TenantBadge } from "./TenantBadge";
import { UserMenu } from "./UserMenu";

/** The signed-in frame of a company's portal: navigation, company, account menu, billing state. */
export function AppShell({ children, adminOnly = false, fullWidth = false }: { children: ReactNode; adminOnly?: boolean; fullWidth?: boolean }) {
  const router = useRouter();
  const me = useMe();
  const [navOpen, setNavOpen] = useState(false);
  const signedOut = me.isError && isAuthError(me.error);

  useEffect(() => {
    if (signedOut) {
      const next = `${window.location.pathname}${window.location.search}`;
      router.replace(`/login?next=${encodeURIComponent(next)}`);
    }
  }, [signedOut, router]);

  if (me.isPending || signedOut) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Spinner label="Loading your workspace" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="mx-auto max-w-lg px-4 py-24">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }

  const isAdmin = isAdminRole(me.data.role);
  return (
    <div className="min-h-screen bg-slate-50 lg:pl-64">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className={`fixed inset-y-0 left-0 z-30 w-64 border-r border-slate-200 bg-white px-4 py-5 transition-transform motion-reduce:transition-none lg:translate-x-0 ${navOpen ? "translate-x-0 shadow-xl" : "-translate-x-full"}`}>
        <div className="mb-8 px-1">
          <TenantBadge />
        </div>
        <SideNav isAdmin={isAdmin} onNavigate={() => setNavOpen(false)} />
      </aside>
      {navOpen ? <div className="fixed inset-0 z-20 bg-slate-900/30 lg:hidden" onClick={() => setNavOpen(false)} aria-hidden="true" /> : null}
      <header className="sticky top-0 z-10 flex h-16 items-center justify-between border-b border-slate-200 bg-white/90 px-4 backdrop-blur sm:px-8">
        <button
          type="button"
          className="rounded-lg p-2 text-slate-600 hover:bg-slate-100 lg:hidden"
          aria-label={navOpen ? "Close navigation" : "Open navigation"}
          aria-expanded={navOpen}
          onClick={() => setNavOpen((value) => !value)}
        >
          <svg viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor" aria-hidden="true">
            <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" />
          </svg>
        </button>
        <div className="mx-3 flex flex-1 justify-start lg:mx-0">
          <SearchButton isAdmin={isAdmin} />
        </div>
        <div className="flex items-center gap-2">
          <NotificationsButton />
          <UserMenu me={me.data} />
        </div>
      </header>
      <main id="main" className={fullWidth ? "" : "mx-auto max-w-5xl px-4 py-8 sm:px-8"}>
        {fullWidth ? null : <BillingBanner canManage={isAdmin} />}
        {adminOnly && !isAdmin ? (
          <Banner tone="warning" title="Only owners and admins can open this page">
            Ask an admin of your company if you need a change here.
          </Banner>
        ) : (
          children
        )}
      </main>
    </div>
  );
}
