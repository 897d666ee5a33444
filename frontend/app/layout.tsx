import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { Providers } from "@/modules/app/components/Providers";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Atrium", template: "%s · Atrium" },
  description: "Customers, deals, invoices and your team's mail in one place.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#4f46e5" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
