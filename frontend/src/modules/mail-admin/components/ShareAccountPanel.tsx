"use client";

import { useState } from "react";

import type { MailAccountAdmin } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { FormError } from "@/modules/ui/components/FormError";

import { useUsers } from "../../team/hooks/useTeam";
import { useMailAccountShare } from "../hooks/useMailAdmin";

/** Who else reads this mailbox (a shared inbox): one checkbox per active colleague other than the owner. */
export function ShareAccountPanel({ account, onDone }: { account: MailAccountAdmin; onDone: () => void }) {
  const users = useUsers();
  const share = useMailAccountShare();
  const [chosen, setChosen] = useState<Set<number>>(new Set(account.shared_with));
  const colleagues = (users.data ?? []).filter((user) => user.is_active && user.id !== account.owner);

  const toggle = (id: number) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-4">
      <legend className="px-1 text-sm font-medium text-slate-800">Share {account.email_address} with</legend>
      <FormError error={share.error} />
      {colleagues.length === 0 ? <p className="text-sm text-slate-500">No colleagues to share with yet.</p> : null}
      <div className="grid gap-2 sm:grid-cols-2">
        {colleagues.map((user) => (
          <label key={user.id} className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" className="h-4 w-4 rounded border-slate-300" checked={chosen.has(user.id)} onChange={() => toggle(user.id)} />
            {user.full_name || user.email}
          </label>
        ))}
      </div>
      <div className="flex justify-end gap-2">
        <Button variant="ghost" size="sm" onClick={onDone}>Cancel</Button>
        <Button size="sm" loading={share.isPending} onClick={() => share.mutate({ id: account.id, userIds: [...chosen] }, { onSuccess: onDone })}>
          Save sharing
        </Button>
      </div>
    </fieldset>
  );
}
