"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";

import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";

import { oauthErrorMessage } from "../utils/oauthErrors";

/** Why a "Connect ..." with a provider did not finish, when the server sent the browser back with ?oauth_error=. */
export function OAuthErrorBanner() {
  const code = useSearchParams().get("oauth_error");
  const router = useRouter();
  const pathname = usePathname();
  if (!code) return null;
  return (
    <div className="mb-6">
      <Banner
        tone="danger"
        title="The mailbox was not connected"
        actions={<Button size="sm" variant="secondary" onClick={() => router.replace(pathname)}>Dismiss</Button>}
      >
        {oauthErrorMessage(code)}
      </Banner>
    </div>
  );
}
