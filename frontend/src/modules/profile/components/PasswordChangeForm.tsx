"use client";

import { useState, type FormEvent } from "react";

import { ApiError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { useProfileUpdate } from "../hooks/useProfileUpdate";

export function PasswordChangeForm() {
  const update = useProfileUpdate();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const error = update.error instanceof ApiError ? update.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { current_password: currentPassword, new_password: newPassword },
      {
        onSuccess: () => {
          setCurrentPassword("");
          setNewPassword("");
        },
      },
    );
  };

  return (
    <Card title="Password" description="Changing it signs you out on every other device; this one stays signed in.">
      <form className="space-y-5" onSubmit={submit} noValidate>
        {update.isSuccess ? <Banner tone="success">Your password is changed.</Banner> : null}
        <FormError error={update.error} shownFields={["current_password", "new_password"]} />
        <Field label="Current password" error={error?.fieldError("current_password")}>
          <Input name="current_password" type="password" autoComplete="current-password" value={currentPassword} onChange={(event) => setCurrentPassword(event.target.value)} />
        </Field>
        <Field label="New password" hint="At least 10 characters." error={error?.fieldError("new_password")}>
          <Input name="new_password" type="password" autoComplete="new-password" value={newPassword} onChange={(event) => setNewPassword(event.target.value)} />
        </Field>
        <div className="flex justify-end">
          <Button type="submit" loading={update.isPending}>Change password</Button>
        </div>
      </form>
    </Card>
  );
}
