"use client";

import { useMutation } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { FormError } from "@/modules/ui/components/FormError";

/** Ends every other session of the user (a lost laptop, a shared computer); this one stays signed in. */
export function SessionsCard() {
  const endOthers = useMutation({ mutationFn: () => call(tenantApi.POST("/api/auth/logout-everywhere")) });
  return (
    <Card title="Sessions" description="Signed in somewhere you no longer use? End those sessions here.">
      <div className="space-y-4">
        {endOthers.isSuccess ? <Banner tone="success">Every other session has ended.</Banner> : null}
        <FormError error={endOthers.error} shownFields={[]} />
        <Button variant="secondary" loading={endOthers.isPending} onClick={() => endOthers.mutate()}>
          Sign out all other sessions
        </Button>
      </div>
    </Card>
  );
}
