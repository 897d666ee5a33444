"use client";

import type { AuditAction, User } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { Input } from "@/modules/ui/components/Input";
import { Select } from "@/modules/ui/components/Select";

import { ACTION_OPTIONS } from "../utils/actionLabels";
import { NO_FILTERS, type AuditFilters } from "../utils/auditQuery";

/** Action, person and day range; every change applies at once (the list refetches for the new filters). */
export function AuditFiltersForm({
  filters,
  people,
  rangeError,
  onChange,
}: {
  filters: AuditFilters;
  people: User[];
  rangeError: string | null;
  onChange: (filters: AuditFilters) => void;
}) {
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  return (
    <form className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_auto_auto_auto] lg:items-end" onSubmit={(event) => event.preventDefault()}>
      <Field label="Action">
        <Select value={filters.action} onChange={(event) => set({ action: event.target.value as AuditAction | "" })}>
          <option value="">All actions</option>
          {ACTION_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Person">
        <Select value={filters.actor} onChange={(event) => set({ actor: event.target.value })}>
          <option value="">Everyone</option>
          {people.map((person) => (
            <option key={person.id} value={String(person.id)}>
              {person.full_name ? `${person.full_name} (${person.email})` : person.email}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="From">
        <Input type="date" value={filters.from} onChange={(event) => set({ from: event.target.value })} />
      </Field>
      <Field label="To" error={rangeError ?? undefined}>
        <Input type="date" value={filters.to} onChange={(event) => set({ to: event.target.value })} />
      </Field>
      <Button type="button" variant="secondary" onClick={() => onChange(NO_FILTERS)}>
        Clear filters
      </Button>
    </form>
  );
}
