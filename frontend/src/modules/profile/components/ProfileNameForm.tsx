"use client";

import { useState, type FormEvent } from "react";

import type { Me } from "@/api/schemas";
import { ApiError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { useProfileUpdate } from "../hooks/useProfileUpdate";

export function ProfileNameForm({ me }: { me: Me }) {
  const update = useProfileUpdate();
  const [fullName, setFullName] = useState(me.full_name);
  const error = update.error instanceof ApiError ? update.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ full_name: fullName });
  };

  return (
    <Card title="Your details" description="Your name is what colleagues see next to your work.">
      <form className="space-y-5" onSubmit={submit} noValidate>
        {update.isSuccess ? <Banner tone="success">Your name is saved.</Banner> : null}
        <FormError error={update.error} shownFields={["full_name"]} />
        <Field label="Full name" error={error?.fieldError("full_name")}>
          <Input name="full_name" autoComplete="name" value={fullName} onChange={(event) => setFullName(event.target.value)} />
        </Field>
        <Field label="Email" hint="Your sign-in email; an admin can change who has access.">
          <Input name="email" value={me.email} readOnly disabled />
        </Field>
        <div className="flex justify-end">
          <Button type="submit" loading={update.isPending}>Save name</Button>
        </div>
      </form>
    </Card>
  );
}
