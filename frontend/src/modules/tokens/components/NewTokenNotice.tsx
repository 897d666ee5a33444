"use client";

import { useState } from "react";

import type { ApiTokenCreated } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";

/** The token's secret, shown once: the API stores only its hash. */
export function NewTokenNotice({ token, onDismiss }: { token: ApiTokenCreated; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Banner
      tone="success"
      title={`Token "${token.name}" created. Copy it now: it is shown only once.`}
      actions={<Button variant="ghost" size="sm" onClick={onDismiss}>Done</Button>}
    >
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="new-token" className="break-all rounded-md bg-white px-2 py-1 font-mono text-xs text-slate-900 ring-1 ring-emerald-200">
          {token.token}
        </code>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(token.token).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </Banner>
  );
}
