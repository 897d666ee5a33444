"use client";

import type { Role, User } from "@/api/schemas";
import { Select } from "@/modules/ui/components/Select";

import { useUserUpdate } from "../hooks/useTeam";
import { ROLES } from "../utils/format";

export function UserRoleSelect({ user, disabled, onError }: { user: User; disabled: boolean; onError: (error: unknown) => void }) {
  const update = useUserUpdate();
  return (
    <Select
      aria-label={`Role of ${user.full_name || user.email}`}
      className="h-8 w-32"
      value={user.role}
      disabled={disabled || update.isPending}
      onChange={(event) => update.mutate({ id: user.id, changes: { role: event.target.value as Role } }, { onError })}
    >
      {ROLES.map((role) => (
        <option key={role.value} value={role.value}>
          {role.label}
        </option>
      ))}
    </Select>
  );
}
