"use client";

import Link from "next/link";
import { useId } from "react";

import type { Me } from "@/api/schemas";
import { errorMessage } from "@/api/errors";
import { usePopover } from "@/modules/ui/hooks/usePopover";

import { useLogout } from "../../auth/hooks/useAuthActions";

export function UserMenu({ me }: { me: Me }) {
  const { open, setOpen, container } = usePopover();
  const menuId = useId();
  const logout = useLogout();
  const label = me.full_name || me.email;

  return (
    <div className="relative" ref={container}>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
        className="flex items-center gap-2 rounded-full p-1 pr-3 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center rounded-full bg-slate-800 text-xs font-semibold text-white">
          {label.charAt(0).toUpperCase()}
        </span>
        <span className="hidden max-w-40 truncate sm:inline">{label}</span>
        <span className="sr-only">Account menu</span>
      </button>
      {open ? (
        <div id={menuId} role="menu" className="absolute right-0 z-20 mt-2 w-64 rounded-xl border border-slate-200 bg-white p-1.5 shadow-lg">
          <div className="px-3 py-2">
            <p className="truncate text-sm font-medium text-slate-900">{me.full_name || "Signed in"}</p>
            <p className="truncate text-sm text-slate-500">{me.email}</p>
            <p className="mt-1 text-xs capitalize text-slate-500">{me.role}</p>
          </div>
          <div className="my-1 border-t border-slate-100" />
          <Link role="menuitem" href="/settings/profile" onClick={() => setOpen(false)} className="block w-full rounded-lg px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100">
            Your profile
          </Link>
          <button role="menuitem" type="button" className="w-full rounded-lg px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100" onClick={() => logout.mutate(false)}>
            Sign out
          </button>
          <button role="menuitem" type="button" className="w-full rounded-lg px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100" onClick={() => logout.mutate(true)}>
            Sign out everywhere
          </button>
          {logout.isError ? <p className="px-3 py-2 text-sm text-red-700">{errorMessage(logout.error)}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
