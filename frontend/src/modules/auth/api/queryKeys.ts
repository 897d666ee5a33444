export const queryKeys = {
  me: ["me"] as const,
  settings: ["settings"] as const,
  users: ["users"] as const,
  invitations: ["invitations"] as const,
  tokens: ["tokens"] as const,
  billing: ["billing"] as const,
  plans: ["plans"] as const,
  brand: ["brand"] as const,
  dashboard: ["dashboard"] as const,
  search: (text: string) => ["search", text] as const,
  mailAdminAccounts: ["mail-admin-accounts"] as const,
  mailPresets: ["mail-presets"] as const,
};
