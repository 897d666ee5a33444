import Link from "next/link";

import { buttonClasses } from "@/modules/ui/components/Button";
import { LogoMark } from "@/modules/ui/components/LogoMark";

export function PublicHeader() {
  return (
    <header className="border-b border-slate-200/70 bg-white/80 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
          <LogoMark />
          Atrium
        </Link>
        <nav aria-label="Site" className="flex items-center gap-1 sm:gap-3">
          <Link href="/pricing" className="rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Pricing
          </Link>
          <Link href="/login" className="rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Sign in
          </Link>
          <Link href="/signup" className={buttonClasses("primary", "sm")}>
            Start free trial
          </Link>
        </nav>
      </div>
    </header>
  );
}
