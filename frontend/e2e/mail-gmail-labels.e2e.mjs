// Gmail labels in a real browser, against the Gmail IMAP emulator of the mail tests (synced by the Celery worker):
// a message's labels shown and changed in the reading pane (one added by typing, one taken off), a label that
// Gmail keeps for itself refused in words, and the account's own labels created, renamed and deleted from
// "Manage labels". Prints one JSON line for the Python test to check Gmail's side against.
import assert from "node:assert/strict";

import { browserLaunch, env, mailboxConnect, open, screenshot, signIn, steps } from "./lib.mjs";

const origin = env("ORIGIN");
const mailbox = env("MAILBOX");
const rows = (page) => page.getByTestId("message-row");

const browser = await browserLaunch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(String(error)));

const labelNames = () => page.getByTestId("message-tag").evaluateAll((tags) => tags.map((tag) => tag.querySelector("span")?.textContent?.trim() ?? ""));

const outcome = {};
try {
  await steps(page, [
    ["the owner connects the Gmail mailbox and it syncs", async () => {
      await signIn(page, origin, { email: env("OWNER_EMAIL"), password: env("OWNER_PASSWORD"), next: "/mail" });
      const account = await mailboxConnect(page, { mailbox, password: env("MAILBOX_PASSWORD"), imapPort: Number(env("IMAP_PORT")), smtpPort: Number(env("SMTP_PORT")) });
      // Other tests' mailboxes may be connected too: open this one.
      await open(page, `${origin}/mail?account=${account.id}`);
      await rows(page).filter({ hasText: "Quarterly plan" }).waitFor({ timeout: 60_000 });
    }],
    ["the message shows its labels", async () => {
      await rows(page).filter({ hasText: "Quarterly plan" }).locator("button").click();
      await page.getByTestId("reading-pane").getByRole("heading", { name: "Quarterly plan" }).waitFor();
      const tags = page.getByTestId("message-tags");
      await tags.getByText("Labels", { exact: true }).waitFor();
      await tags.getByTestId("message-tag").filter({ hasText: "Clients" }).waitFor();
      outcome.labels_synced = await labelNames();
    }],
    ["a label is added by typing and one is taken off", async () => {
      const tags = page.getByTestId("message-tags");
      await tags.getByLabel("Add a label").fill("Projects");
      await tags.getByRole("button", { name: "Add", exact: true }).click();
      await tags.getByTestId("message-tag").filter({ hasText: "Projects" }).waitFor();
      await tags.getByRole("button", { name: "Remove label Clients" }).click();
      await tags.getByTestId("message-tag").filter({ hasText: "Clients" }).waitFor({ state: "detached" });
      outcome.labels_after_edit = await labelNames();
      await screenshot(page, "mail-13-gmail-labels");
    }],
    ["a label Gmail keeps for itself is refused in words", async () => {
      const tags = page.getByTestId("message-tags");
      await tags.getByLabel("Add a label").fill("\\Sent");
      await tags.getByRole("button", { name: "Add", exact: true }).click();
      await tags.getByText("Labels starting with \\ belong to Gmail.").waitFor();
      await tags.getByLabel("Add a label").fill("");
    }],
    ["Manage labels renames a label on the message too, creates one and deletes it", async () => {
      const manager = page.getByTestId("label-manager");
      await manager.locator("summary").click();
      await manager.getByRole("button", { name: "Rename label Projects" }).click();
      await manager.getByLabel("New name for Projects").fill("Projects 2026");
      await manager.getByRole("button", { name: "Save" }).click();
      await manager.getByTestId("label-row").filter({ hasText: "Projects 2026" }).waitFor();
      await page.getByTestId("message-tags").getByTestId("message-tag").filter({ hasText: "Projects 2026" }).waitFor();
      await manager.getByLabel("New label").fill("Later");
      await manager.getByRole("button", { name: "Create" }).click();
      await manager.getByTestId("label-row").filter({ hasText: "Later" }).waitFor();
      await page.getByRole("navigation", { name: "Folders" }).getByRole("button", { name: "Later" }).waitFor();
      await screenshot(page, "mail-14-gmail-manage-labels");
      await manager.getByRole("button", { name: "Delete label Later" }).click();
      await manager.getByRole("button", { name: "Delete label", exact: true }).click();
      await manager.getByTestId("label-row").filter({ hasText: "Later" }).waitFor({ state: "detached" });
      outcome.labels_after_manage = await labelNames();
      outcome.manager_labels = await manager.getByTestId("label-row").evaluateAll((rowsFound) => rowsFound.map((row) => row.querySelector("span")?.textContent?.trim() ?? ""));
    }],
  ]);
  assert.deepEqual(pageErrors, []);
} finally {
  await browser.close();
}
console.log(JSON.stringify(outcome));
