"use client";

import { useId, useState, type FormEvent } from "react";

import { errorMessage } from "@/api/errors";
import type { MailAccount, MailFolder, MailMessageDetail } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Input } from "@/modules/ui/components/Input";

import { useMailKeywordChange, useMailLabelsChange } from "../hooks/useMailLabels";
import { accountIsGmail, keywordProblem, keywordsOf, labelName, labelProblem, labelRemovable, labelsOffered, labelsShown } from "../utils/labels";

type Tag = { value: string; name: string; removable: boolean };

/** Chips with a remove button each, and a field (with suggestions) to add one more. */
function TagEditor({
  noun,
  tags,
  offered,
  problem,
  busy,
  error,
  onAdd,
  onRemove,
}: {
  noun: "label" | "tag";
  tags: Tag[];
  offered: Tag[];
  problem: (text: string) => string | null;
  busy: boolean;
  error: unknown;
  onAdd: (value: string) => void;
  onRemove: (value: string) => void;
}) {
  const id = useId();
  const [text, setText] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const plural = noun === "label" ? "Labels" : "Tags";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A suggestion is picked by its shown name (Inbox); the server wants the label (\Inbox).
    const value = offered.find((tag) => tag.name === text)?.value ?? text;
    const found = problem(value);
    setInvalid(found);
    if (found) return;
    onAdd(value);
    setText("");
  };

  return (
    <div className="space-y-2" data-testid="message-tags">
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="text-xs font-medium uppercase tracking-wide text-slate-500">{plural}</span>
        <ul className="contents" aria-label={plural}>
          {tags.map((tag) => (
            <li key={tag.value} className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pl-2.5 pr-1 text-xs font-medium text-slate-700" data-testid="message-tag">
              <span>{tag.name}</span>
              {tag.removable ? (
                <button
                  type="button"
                  onClick={() => onRemove(tag.value)}
                  disabled={busy}
                  aria-label={`Remove ${noun} ${tag.name}`}
                  className="rounded-full px-1 text-slate-500 hover:bg-slate-200 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50"
                >
                  ✕
                </button>
              ) : (
                <span className="pr-1.5" />
              )}
            </li>
          ))}
        </ul>
        {tags.length === 0 ? <span className="text-xs text-slate-500">None yet</span> : null}
        <form onSubmit={submit} noValidate className="inline-flex items-center gap-1.5">
          <label htmlFor={`${id}-add`} className="sr-only">
            {noun === "label" ? "Add a label" : "Add a tag"}
          </label>
          <Input
            id={`${id}-add`}
            list={`${id}-offered`}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setInvalid(null);
            }}
            placeholder={noun === "label" ? "Add label…" : "Add tag…"}
            invalid={Boolean(invalid)}
            aria-describedby={invalid ? `${id}-problem` : undefined}
            className="h-7 w-36 px-2 text-xs"
          />
          <datalist id={`${id}-offered`}>
            {offered.map((tag) => (
              <option key={tag.value} value={tag.name} />
            ))}
          </datalist>
          <Button type="submit" variant="ghost" size="sm" className="h-7 px-2 text-xs" loading={busy}>
            Add
          </Button>
        </form>
      </div>
      {invalid ? (
        <p id={`${id}-problem`} className="text-xs text-red-700">
          {invalid}
        </p>
      ) : null}
      {error ? <Banner tone="danger">{errorMessage(error)}</Banner> : null}
    </div>
  );
}

/** Gmail labels of the open message (Gmail accounts), or its IMAP keywords as tags (every other server). */
export function MessageTags({ message, account, folders }: { message: MailMessageDetail; account: MailAccount; folders: MailFolder[] }) {
  const labels = useMailLabelsChange();
  const keywords = useMailKeywordChange(account.id);
  if (accountIsGmail(account, folders)) {
    const tags = labelsShown(message.labels).map((label) => ({ value: label, name: labelName(label), removable: labelRemovable(label) }));
    const offered = labelsOffered(folders, message.labels).map((label) => ({ value: label, name: labelName(label), removable: true }));
    return (
      <TagEditor
        noun="label"
        tags={tags}
        offered={offered}
        problem={labelProblem}
        busy={labels.isPending}
        error={labels.error}
        onAdd={(label) => labels.mutate({ messageId: message.id, add: [label], remove: [] })}
        onRemove={(label) => labels.mutate({ messageId: message.id, add: [], remove: [label] })}
      />
    );
  }
  const current = keywordsOf(message.flags);
  return (
    <TagEditor
      noun="tag"
      tags={current.map((keyword) => ({ value: keyword, name: keyword, removable: true }))}
      offered={[]}
      problem={keywordProblem}
      busy={keywords.isPending}
      error={keywords.error}
      onAdd={(keyword) => keywords.mutate({ messageId: message.id, keyword, add: true })}
      onRemove={(keyword) => keywords.mutate({ messageId: message.id, keyword, add: false })}
    />
  );
}
