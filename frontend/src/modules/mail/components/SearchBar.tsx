"use client";

import { useId, useState, type FormEvent, type Ref } from "react";

import type { MailFolder } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { Input } from "@/modules/ui/components/Input";
import { Select } from "@/modules/ui/components/Select";

import { folderLabel } from "../utils/format";
import { EMPTY_SEARCH, isSearching, type MessageSearch } from "../utils/messageQuery";

function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <input type="checkbox" className="h-4 w-4 rounded border-slate-300 accent-indigo-600" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      {label}
    </label>
  );
}

/** Full-text search with filters (folder, unread, flagged, attachments, sender, date range); `/` focuses it. */
export function SearchBar({
  search,
  folders,
  onSearch,
  inputRef,
}: {
  search: MessageSearch;
  folders: MailFolder[];
  onSearch: (search: MessageSearch) => void;
  inputRef: Ref<HTMLInputElement>;
}) {
  const [draft, setDraft] = useState<MessageSearch>(search);
  const [showFilters, setShowFilters] = useState(false);
  const filtersId = useId();
  const set = <K extends keyof MessageSearch>(key: K, value: MessageSearch[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(draft);
    setShowFilters(false);
  };
  const clear = () => {
    const cleared = { ...EMPTY_SEARCH, folderId: search.folderId };
    setDraft(cleared);
    onSearch(cleared);
  };

  return (
    <form role="search" onSubmit={submit} className="space-y-3 border-b border-slate-200 bg-white px-4 py-3">
      <div className="flex gap-2">
        <label className="sr-only" htmlFor={`${filtersId}-q`}>
          Search mail
        </label>
        <Input
          ref={inputRef}
          id={`${filtersId}-q`}
          type="search"
          placeholder="Search mail"
          value={draft.text}
          onChange={(event) => set("text", event.target.value)}
          className="h-9"
        />
        <Button variant="secondary" size="sm" className="h-9" aria-expanded={showFilters} aria-controls={filtersId} onClick={() => setShowFilters((open) => !open)}>
          Filters
        </Button>
        <Button type="submit" size="sm" className="h-9">
          Search
        </Button>
      </div>
      {showFilters ? (
        <div id={filtersId} className="grid gap-3 rounded-lg border border-slate-200 bg-slate-50 p-3 sm:grid-cols-2">
          <Field label="Folder">
            <Select value={draft.folderId ?? ""} onChange={(event) => set("folderId", event.target.value ? Number(event.target.value) : null)}>
              <option value="">All folders</option>
              {folders.map((folder) => (
                <option key={folder.id} value={folder.id}>
                  {folderLabel(folder)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="From (address)">
            <Input type="email" value={draft.sender} onChange={(event) => set("sender", event.target.value)} placeholder="name@example.com" />
          </Field>
          <Field label="After">
            <Input type="date" value={draft.since} onChange={(event) => set("since", event.target.value)} />
          </Field>
          <Field label="Before or on">
            <Input type="date" value={draft.until} onChange={(event) => set("until", event.target.value)} />
          </Field>
          <fieldset className="flex flex-wrap gap-x-5 gap-y-2 sm:col-span-2">
            <legend className="sr-only">Only</legend>
            <Toggle label="Unread" checked={draft.unread} onChange={(value) => set("unread", value)} />
            <Toggle label="Flagged" checked={draft.flagged} onChange={(value) => set("flagged", value)} />
            <Toggle label="Has attachments" checked={draft.hasAttachments} onChange={(value) => set("hasAttachments", value)} />
          </fieldset>
        </div>
      ) : null}
      {isSearching(search) ? (
        <div className="flex items-center justify-between text-sm text-slate-600">
          <span>Search results</span>
          <Button variant="ghost" size="sm" onClick={clear}>
            Clear search
          </Button>
        </div>
      ) : null}
    </form>
  );
}
