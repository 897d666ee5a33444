// What the Ctrl/Cmd-K palette lists for a search text: the app's pages (matched here), then the people and
// messages the search API found, as one flat list the keyboard moves through.
import type { MessageHit, PersonHit } from "@/api/schemas";

export type PaletteGroup = "Pages" | "People" | "Mail";

export type PaletteItem = { id: string; group: PaletteGroup; title: string; detail: string; href: string };

type Page = { title: string; href: string; keywords: string; adminOnly: boolean };

export const PAGES: readonly Page[] = [
  { title: "Home", href: "/", keywords: "dashboard start overview charts", adminOnly: false },
  { title: "Mail", href: "/mail", keywords: "inbox messages email", adminOnly: false },
  { title: "Your profile", href: "/settings/profile", keywords: "name password account me sessions sign out", adminOnly: false },
  { title: "API tokens", href: "/settings/tokens", keywords: "integrations keys tokens", adminOnly: true },
  { title: "Users", href: "/settings/users", keywords: "people team members roles", adminOnly: true },
  { title: "Invitations", href: "/settings/invitations", keywords: "invite colleagues team", adminOnly: true },
  { title: "Mail accounts", href: "/settings/mail-accounts", keywords: "mailboxes imap smtp connect gmail outlook", adminOnly: true },
  { title: "Webhooks", href: "/settings/webhooks", keywords: "integrations events endpoints signing", adminOnly: true },
  { title: "Company settings", href: "/settings/company", keywords: "name logo time zone currency", adminOnly: true },
  { title: "Billing", href: "/settings/billing", keywords: "plan subscription invoices payment stripe", adminOnly: true },
  { title: "Audit log", href: "/settings/audit-log", keywords: "audit security history sign-in events activity", adminOnly: true },
];

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Pages whose title or keywords contain every word of the text (each word as a prefix of some word). */
export function matchingPages(text: string, isAdmin: boolean): PaletteItem[] {
  const wanted = words(text);
  return PAGES.filter((page) => isAdmin || !page.adminOnly)
    .filter((page) => {
      const haystack = words(`${page.title} ${page.keywords}`);
      return wanted.every((word) => haystack.some((candidate) => candidate.startsWith(word)));
    })
    .map((page) => ({ id: `page:${page.href}`, group: "Pages", title: page.title, detail: page.href, href: page.href }));
}

export function personItems(people: PersonHit[]): PaletteItem[] {
  return people.map((person) => ({
    id: `person:${person.id}`,
    group: "People",
    title: person.full_name || person.email,
    detail: person.full_name ? `${person.email} · ${person.role}` : person.role,
    href: `/settings/users?user=${person.id}`,
  }));
}

export function messageItems(messages: MessageHit[]): PaletteItem[] {
  return messages.map((message) => ({
    id: `message:${message.id}`,
    group: "Mail",
    title: message.subject || "(no subject)",
    detail: message.from_name ? `${message.from_name} <${message.from_address}>` : message.from_address,
    href: `/mail?account=${message.account_id}&message=${message.id}`,
  }));
}

/** The next highlighted row after pressing a key: wraps around both ends; -1 when there is nothing. */
export function selectionMove(current: number, delta: number, length: number): number {
  if (length === 0) return -1;
  if (current < 0) return delta > 0 ? 0 : length - 1;
  return (((current + delta) % length) + length) % length;
}
