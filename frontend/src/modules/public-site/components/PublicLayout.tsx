import type { ReactNode } from "react";

import { PublicHeader } from "./PublicHeader";

export function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col bg-white">
      <PublicHeader />
      <main className="flex-1">{children}</main>
      <footer className="border-t border-slate-200 py-8 text-center text-sm text-slate-500">© Atrium. Your company, customers and mail in one place.</footer>
    </div>
  );
}
