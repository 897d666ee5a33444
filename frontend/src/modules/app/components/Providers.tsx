"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

import { queryClientMake } from "@/lib/queryClient";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(queryClientMake);
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
