"use client";

import { useState, type FormEvent } from "react";

import type { Role } from "@/api/schemas";
import { ApiError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";
import { Select } from "@/modules/ui/components/Select";

import { useInvitationCreate } from "../hooks/useTeam";
import { ROLES } from "../utils/format";

export function InviteForm() {
  const create = useInvitationCreate();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const error = create.error instanceof ApiError ? create.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSentTo(null);
    create.mutate(
      { email, role },
      {
        onSuccess: (invitation) => {
          setSentTo(invitation.email);
          setEmail("");
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {sentTo ? <Banner tone="success">Invitation sent to {sentTo}.</Banner> : null}
      <FormError error={create.error} shownFields={["email", "role"]} />
      <div className="grid gap-4 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
        <Field label="Email" error={error?.fieldError("email")}>
          <Input type="email" name="invite_email" required placeholder="colleague@company.com" value={email} onChange={(event) => setEmail(event.target.value)} />
        </Field>
        <Field label="Role" error={error?.fieldError("role")}>
          <Select name="invite_role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.filter((option) => option.value !== "owner").map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:pt-7">
          <Button type="submit" loading={create.isPending} className="w-full sm:w-auto">
            Send invitation
          </Button>
        </div>
      </div>
    </form>
  );
}
