// The mail client's write side beyond the first reply, in a real browser against Dovecot and an SMTP server:
// IMAP keywords as tags on a message (added, removed, refused when not an IMAP atom, still there after a reload);
// a draft saved, the page reloaded, the draft reopened from "Saved drafts", continued (autosave replaces it) and
// sent; a send the SMTP server refuses, reached from its notification (&outbox=<id>), with the server's words and
// a Retry that goes through once the server takes the recipient. Prints one JSON line for the Python test.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";

import { browserLaunch, env, mailboxConnect, open, screenshot, signIn, steps } from "./lib.mjs";

const origin = env("ORIGIN");
const mailbox = env("MAILBOX");
const rows = (page) => page.getByTestId("message-row");

const browser = await browserLaunch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(String(error)));

/** A same-origin API call from the signed-in page (session cookie and CSRF), as the app makes it. */
async function api(method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.cookie.split("; ").find((part) => part.startsWith("atrium_csrftoken="))?.split("=")[1] ?? "";
      const response = await fetch(path, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    },
    { method, path, body },
  );
}

async function tagNames() {
  return page.getByTestId("message-tag").evaluateAll((tags) => tags.map((tag) => tag.querySelector("span")?.textContent?.trim() ?? ""));
}

async function openMessage(subject) {
  await rows(page).filter({ hasText: subject }).locator("button").click();
  await page.getByTestId("reading-pane").getByRole("heading", { name: subject }).waitFor();
}

const outcome = {};
let accountId = 0;
try {
  await steps(page, [
    ["the owner signs in, connects the mailbox and sees it synced", async () => {
      await signIn(page, origin, { email: env("OWNER_EMAIL"), password: env("OWNER_PASSWORD"), next: "/mail" });
      const account = await mailboxConnect(page, {
        mailbox, password: env("MAILBOX_PASSWORD"), imapPort: Number(env("IMAP_PORT")), smtpPort: Number(env("SMTP_PORT")),
      });
      accountId = account.id;
      // Other tests' mailboxes may be connected too: open this one.
      await open(page, `${origin}/mail?account=${accountId}`);
      await rows(page).filter({ hasText: "Contract draft" }).waitFor({ timeout: 60_000 });
    }],
    ["a message's tags are its IMAP keywords: one added, one removed", async () => {
      await openMessage("Contract draft");
      const tags = page.getByTestId("message-tags");
      await tags.getByTestId("message-tag").filter({ hasText: "old-tag" }).waitFor();
      await tags.getByLabel("Add a tag").fill("follow-up");
      await tags.getByRole("button", { name: "Add", exact: true }).click();
      await tags.getByTestId("message-tag").filter({ hasText: "follow-up" }).waitFor();
      await tags.getByRole("button", { name: "Remove tag old-tag" }).click();
      await tags.getByTestId("message-tag").filter({ hasText: "old-tag" }).waitFor({ state: "detached" });
      await screenshot(page, "mail-09-tags");
    }],
    ["a tag that is not an IMAP atom is refused in words, nothing sent", async () => {
      const tags = page.getByTestId("message-tags");
      let actions = 0;
      const count = (request) => {
        if (request.url().includes("/messages/actions")) actions += 1;
      };
      page.on("request", count);
      await tags.getByLabel("Add a tag").fill("two words");
      await tags.getByRole("button", { name: "Add", exact: true }).click();
      await tags.getByText("A tag is one word: no spaces.").waitFor();
      assert.equal(await tags.getByLabel("Add a tag").getAttribute("aria-invalid"), "true");
      page.off("request", count);
      assert.equal(actions, 0);
      await tags.getByLabel("Add a tag").fill("");
    }],
    ["after a reload the tags come from the server", async () => {
      await open(page, `${origin}/mail?account=${accountId}`);
      await openMessage("Contract draft");
      await page.getByTestId("message-tag").first().waitFor();
      outcome.tags_after_reload = await tagNames();
    }],
    ["a new message is saved as a draft while written, then the page is reloaded", async () => {
      await page.getByRole("complementary", { name: "Mail folders" }).getByRole("button", { name: "Compose" }).click();
      const composer = page.getByTestId("composer");
      await composer.getByLabel("To").fill("Dana Legal <dana@legal.example>");
      await composer.getByLabel("Subject").fill("Proposal for Dana");
      await composer.getByLabel("Message").fill("First version.");
      await composer.getByTestId("draft-state").getByText("Draft saved").waitFor({ timeout: 20_000 });
      const drafts = await api("GET", `/api/mail/accounts/${accountId}/drafts`);
      assert.equal(drafts.status, 200);
      assert.equal(drafts.body.results.length, 1);
      outcome.first_draft_id = drafts.body.results[0].id;
      await composer.getByRole("button", { name: "Close the composer (the draft is kept)" }).click();
      await composer.waitFor({ state: "detached" });
      await open(page, `${origin}/mail?account=${accountId}`);
      await rows(page).first().waitFor();
    }],
    ["the draft reopens from Saved drafts with what was written", async () => {
      await page.getByTestId("drafts-entry").click();
      const row = page.getByTestId("draft-row").filter({ hasText: "Proposal for Dana" });
      await row.getByText("To: Dana Legal").waitFor();
      await screenshot(page, "mail-10-drafts");
      await row.getByRole("button", { name: /Proposal for Dana/ }).first().click();
      const composer = page.getByTestId("composer");
      await composer.waitFor();
      assert.equal(await composer.getByLabel("To").inputValue(), "Dana Legal <dana@legal.example>");
      assert.equal(await composer.getByLabel("Subject").inputValue(), "Proposal for Dana");
      assert.equal(await composer.getByLabel("Message").inputValue(), "First version.");
    }],
    ["continuing it replaces the same draft; sending it empties Saved drafts", async () => {
      const composer = page.getByTestId("composer");
      await composer.getByLabel("Message").fill("Second version, final.");
      await composer.getByTestId("draft-state").getByText("Draft saved").waitFor({ timeout: 20_000 });
      const drafts = await api("GET", `/api/mail/accounts/${accountId}/drafts`);
      outcome.drafts_while_editing = drafts.body.results.map((draft) => [draft.id, draft.text_body]);
      await page.getByTestId("draft-row").filter({ hasText: "Second version, final." }).waitFor();
      await composer.getByRole("button", { name: "Send", exact: true }).click();
      await page.getByTestId("toast").getByText("Message sent.").waitFor();
      await composer.waitFor({ state: "detached" });
      await page.getByText("No drafts").waitFor();
      outcome.drafts_after_send = (await api("GET", `/api/mail/accounts/${accountId}/drafts`)).body.results.length;
    }],
    ["a send the server refuses shows up as a notification", async () => {
      assert.equal((await api("PUT", "/api/mail/send-preferences", { undo_send_seconds: 0 })).status, 200);
      await page.getByRole("complementary", { name: "Mail folders" }).getByRole("button", { name: "Compose" }).click();
      const composer = page.getByTestId("composer");
      await composer.getByLabel("To").fill("nobody@unknown.example");
      await composer.getByLabel("Subject").fill("Invoice 42");
      await composer.getByLabel("Message").fill("Please find the invoice.");
      await composer.getByRole("button", { name: "Send", exact: true }).click();
      await page.getByTestId("toast").getByText("Message sent.").waitFor();
      const deadline = Date.now() + 60_000;
      let failed = null;
      while (!failed && Date.now() < deadline) {
        const notifications = await api("GET", "/api/notifications");
        failed = notifications.body.items.find((item) => item.kind === "send_failed" && item.title === "Not sent: Invoice 42");
        if (!failed) await page.waitForTimeout(500);
      }
      assert.ok(failed, "no failed-send notification within 60 s");
      outcome.notification_href = failed.href;
    }],
    ["its notification opens the outbox message with the server's words", async () => {
      await open(page, `${origin}/mail?account=${accountId}`);
      await rows(page).first().waitFor();
      await page.getByRole("button", { name: /^Notifications/ }).click();
      await page.getByRole("link", { name: /Not sent: Invoice 42/ }).click();
      await page.waitForURL((url) => url.searchParams.has("outbox"));
      outcome.landed_on = new URL(page.url()).search;
      const panel = page.getByTestId("outbox-panel");
      await panel.getByRole("heading", { name: "Invoice 42" }).waitFor();
      await panel.getByText("Not sent", { exact: true }).waitFor();
      outcome.failed_error = (await panel.getByTestId("outbox-error").innerText()).trim();
      await screenshot(page, "mail-11-outbox-failed");
    }],
    ["Retry sends it once the server takes the recipient", async () => {
      await writeFile(env("RETRY_GATE"), "accept the recipient\n");
      await page.waitForTimeout(1_000);
      const panel = page.getByTestId("outbox-panel");
      await panel.getByRole("button", { name: "Retry" }).click();
      await panel.getByText("Sent", { exact: true }).waitFor({ timeout: 60_000 });
      outcome.status_after_retry = "sent";
      await panel.getByRole("button", { name: "Close" }).click();
      await panel.waitFor({ state: "detached" });
    }],
  ]);
  assert.deepEqual(pageErrors, []);
} finally {
  await browser.close();
}
console.log(JSON.stringify(outcome));
