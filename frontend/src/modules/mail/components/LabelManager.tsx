"use client";

import { useId, useState, type FormEvent } from "react";

import { errorMessage } from "@/api/errors";
import type { MailFolder } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Input } from "@/modules/ui/components/Input";

import { useLabelFolderCreate, useLabelFolderDelete, useLabelFolderRename } from "../hooks/useMailLabels";
import { labelProblem } from "../utils/labels";

function LabelRow({ folder, onRename, onDelete, busy }: { folder: MailFolder; onRename: (name: string) => void; onDelete: () => void; busy: boolean }) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  // A rename names the last part only: "Clients/Old" renamed "New" becomes "Clients/New" (sub-labels follow).
  const leaf = folder.name.split(folder.delimiter || "/").at(-1) ?? folder.name;
  const [name, setName] = useState(leaf);
  const [confirming, setConfirming] = useState(false);
  const problem = editing ? labelProblem(name) : null;
  if (editing) {
    return (
      <li>
        <form
          className="flex items-center gap-1"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (problem) return;
            onRename(name);
            setEditing(false);
          }}
        >
          <label htmlFor={id} className="sr-only">
            New name for {folder.name}
          </label>
          <Input id={id} value={name} onChange={(event) => setName(event.target.value)} invalid={Boolean(problem)} className="h-7 px-2 text-xs" autoFocus />
          <Button type="submit" variant="secondary" size="sm" className="h-7 px-2 text-xs" disabled={Boolean(problem)}>
            Save
          </Button>
          <Button variant="ghost" size="sm" className="h-7 px-2 text-xs" onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </form>
      </li>
    );
  }
  return (
    <li className="flex flex-wrap items-center gap-x-0.5 text-sm text-slate-700" data-testid="label-row">
      <span className="min-w-0 flex-1 basis-full truncate" title={folder.name}>
        {folder.name}
      </span>
      {confirming ? (
        <>
          <Button variant="danger" size="sm" className="h-7 px-2 text-xs" loading={busy} onClick={onDelete}>
            Delete label
          </Button>
          <Button variant="ghost" size="sm" className="h-7 px-2 text-xs" onClick={() => setConfirming(false)}>
            Keep
          </Button>
        </>
      ) : (
        <>
          <Button variant="ghost" size="sm" className="-ml-2 h-7 px-2 text-xs" onClick={() => setEditing(true)} aria-label={`Rename label ${folder.name}`}>
            Rename
          </Button>
          <Button variant="ghost" size="sm" className="h-7 px-2 text-xs" onClick={() => setConfirming(true)} aria-label={`Delete label ${folder.name}`}>
            Delete
          </Button>
        </>
      )}
    </li>
  );
}

/** Gmail: the user's labels, to create, rename (on every message carrying it) and delete (the messages stay). */
export function LabelManager({ accountId, folders }: { accountId: number; folders: MailFolder[] }) {
  const id = useId();
  const create = useLabelFolderCreate(accountId);
  const rename = useLabelFolderRename();
  const remove = useLabelFolderDelete();
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const labels = folders.filter((folder) => folder.gmail_label && !folder.gmail_label.startsWith("\\")).sort((a, b) => a.name.localeCompare(b.name));
  const error = create.error ?? rename.error ?? remove.error;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = labelProblem(name);
    setProblem(found);
    if (found) return;
    create.mutate(name.trim(), { onSuccess: () => setName("") });
  };

  return (
    <details className="px-3" data-testid="label-manager">
      <summary className="cursor-pointer rounded text-xs font-medium uppercase tracking-wide text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600">
        Manage labels
      </summary>
      <div className="mt-2 space-y-2">
        {labels.length > 0 ? (
          <ul className="space-y-1" aria-label="Your labels">
            {labels.map((folder) => (
              <LabelRow
                key={folder.id}
                folder={folder}
                busy={remove.isPending && remove.variables === folder.id}
                onRename={(next) => rename.mutate({ folderId: folder.id, name: next })}
                onDelete={() => remove.mutate(folder.id)}
              />
            ))}
          </ul>
        ) : (
          <p className="text-xs text-slate-500">No labels of your own yet.</p>
        )}
        <form onSubmit={submit} noValidate className="flex items-center gap-1">
          <label htmlFor={id} className="sr-only">
            New label
          </label>
          <Input id={id} value={name} onChange={(event) => setName(event.target.value)} placeholder="New label" invalid={Boolean(problem)} className="h-7 px-2 text-xs" />
          <Button type="submit" variant="secondary" size="sm" className="h-7 px-2 text-xs" loading={create.isPending}>
            Create
          </Button>
        </form>
        {problem ? <p className="text-xs text-red-700">{problem}</p> : null}
        {error ? <Banner tone="danger">{errorMessage(error)}</Banner> : null}
      </div>
    </details>
  );
}
