"use client";

import { ErrorState } from "@/modules/ui/components/ErrorState";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";

import { useMe } from "../../auth/hooks/useMe";
import { PasswordChangeForm } from "./PasswordChangeForm";
import { ProfileNameForm } from "./ProfileNameForm";
import { SessionsCard } from "./SessionsCard";

export function ProfilePage() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Your profile" description="Your name, your password and where you are signed in." />
      {me.isPending ? (
        <Spinner label="Loading your profile" />
      ) : me.isError ? (
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      ) : (
        <div className="space-y-6">
          <ProfileNameForm me={me.data} />
          <PasswordChangeForm />
          <SessionsCard />
        </div>
      )}
    </>
  );
}
