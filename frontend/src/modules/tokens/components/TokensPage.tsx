"use client";

import { useState, type FormEvent } from "react";

import type { ApiToken, ApiTokenCreated } from "@/api/schemas";
import { ApiError, errorMessage } from "@/api/errors";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";
import { Table, type Column } from "@/modules/ui/components/Table";

import { dateShort } from "../../team/utils/format";
import { useTokenCreate, useTokenRevoke, useTokens } from "../hooks/useTokens";
import { NewTokenNotice } from "./NewTokenNotice";

export function TokensPage() {
  const tokens = useTokens();
  const create = useTokenCreate();
  const revoke = useTokenRevoke();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const createError = create.error instanceof ApiError ? create.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name, {
      onSuccess: (token) => {
        setCreated(token);
        setName("");
      },
    });
  };

  const columns: Column<ApiToken>[] = [
    { header: "Name", cell: (token) => <span className="font-medium text-slate-900">{token.name}</span> },
    { header: "Token", cell: (token) => <code className="font-mono text-xs">{token.prefix}…</code> },
    { header: "Created", cell: (token) => dateShort(token.created_at) },
    { header: "Last used", cell: (token) => (token.last_used_at ? dateShort(token.last_used_at) : "Never") },
    {
      header: "Status",
      cell: (token) =>
        token.revoked_at ? (
          <Badge>Revoked</Badge>
        ) : (
          <Button variant="danger" size="sm" loading={revoke.isPending && revoke.variables === token.id} onClick={() => revoke.mutate(token.id)}>
            Revoke
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader title="API tokens" description="Tokens let scripts and integrations use the API as you. Keep them secret; revoke any you no longer use." />
      <div className="space-y-6">
        <Card title="Create a token">
          <form onSubmit={submit} noValidate className="space-y-4">
            {created ? <NewTokenNotice token={created} onDismiss={() => setCreated(null)} /> : null}
            <FormError error={create.error} shownFields={["name"]} />
            <div className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start">
              <Field label="Name" hint="What it is for, e.g. “Zapier” or “nightly export”." error={createError?.fieldError("name")}>
                <Input name="token_name" required value={name} onChange={(event) => setName(event.target.value)} />
              </Field>
              <div className="sm:pt-7">
                <Button type="submit" loading={create.isPending}>
                  Create token
                </Button>
              </div>
            </div>
          </form>
        </Card>
        <Card title="Your tokens">
          {revoke.isError ? (
            <div className="mb-4">
              <Banner tone="danger">{errorMessage(revoke.error)}</Banner>
            </div>
          ) : null}
          {tokens.isPending ? (
            <Spinner label="Loading tokens" />
          ) : tokens.isError ? (
            <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
          ) : tokens.data.length === 0 ? (
            <EmptyState title="No tokens yet">Create one above when a script or integration needs the API.</EmptyState>
          ) : (
            <>
              <Table caption="API tokens" columns={columns} rows={tokens.data} rowKey={(token) => token.id} />
              <LoadMore list={tokens} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
