"use client";

import { useState } from "react";

import type { User } from "@/api/schemas";
import { errorMessage } from "@/api/errors";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";
import { Table, type Column } from "@/modules/ui/components/Table";

import { useMe } from "../../auth/hooks/useMe";
import { useUserDeactivate, useUsers } from "../hooks/useTeam";
import { dateShort } from "../utils/format";
import { UserRoleSelect } from "./UserRoleSelect";

export function UsersPage() {
  const users = useUsers();
  const me = useMe();
  const deactivate = useUserDeactivate();
  const [actionError, setActionError] = useState<unknown>(null);

  const columns: Column<User>[] = [
    {
      header: "Name",
      cell: (user) => (
        <div className="min-w-0">
          <p className="font-medium text-slate-900">{user.full_name || "—"}</p>
          <p className="text-slate-500">{user.email}</p>
        </div>
      ),
    },
    {
      header: "Role",
      cell: (user) => <UserRoleSelect user={user} disabled={!user.is_active || user.id === me.data?.id} onError={setActionError} />,
    },
    {
      header: "Status",
      cell: (user) => (user.is_active ? <Badge tone="success">Active</Badge> : <Badge>Deactivated</Badge>),
    },
    { header: "Last sign-in", cell: (user) => dateShort(user.last_login) },
    {
      header: "Actions",
      cell: (user) =>
        user.is_active && user.id !== me.data?.id ? (
          <Button
            variant="danger"
            size="sm"
            loading={deactivate.isPending && deactivate.variables === user.id}
            onClick={() => {
              if (window.confirm(`Deactivate ${user.email}? They are signed out everywhere and their API tokens stop working.`)) {
                setActionError(null);
                deactivate.mutate(user.id, { onError: setActionError });
              }
            }}
          >
            Deactivate
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title="Users" description="Everyone who can sign in to your company, and what they may do." />
      <Card>
        {actionError ? (
          <div className="mb-4">
            <Banner tone="danger">{errorMessage(actionError)}</Banner>
          </div>
        ) : null}
        {users.isPending ? (
          <Spinner label="Loading users" />
        ) : users.isError ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : users.data.length === 0 ? (
          <EmptyState title="No users yet" />
        ) : (
          <>
            <Table caption="Users" columns={columns} rows={users.data} rowKey={(user) => user.id} />
            <LoadMore list={users} />
          </>
        )}
      </Card>
    </>
  );
}
