// The mail client's read side in a real browser: connect a mailbox on the test Dovecot through the form, watch
// the sync progress bar, scroll the whole inbox (keyset pages), move with j/k and open with o, read a
// conversation, download an attachment, search with `/` and with filters, and look at it at phone width.
// Prints one JSON line at the end for the Python test to check the server against.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";

import { browserLaunch, env, screenshot, signIn, steps } from "./lib.mjs";

const origin = env("ORIGIN");
const mailbox = env("MAILBOX");
const rows = (page) => page.getByTestId("message-row");
const subjects = async (page) => (await rows(page).locator("button > span:nth-child(2)").allInnerTexts()).map((text) => text.trim());

const browser = await browserLaunch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(String(error)));

const outcome = { progress_seen: false };
try {
  await steps(page, [
    ["the owner signs in and opens Mail", async () => {
      await signIn(page, origin, { email: env("OWNER_EMAIL"), password: env("OWNER_PASSWORD"), next: "/mail" });
      await page.getByText("No mailbox connected yet").waitFor();
      await screenshot(page, "mail-01-empty");
    }],
    ["a wrong password is refused with the server's words", async () => {
      const form = page.getByTestId("connect-mailbox");
      await form.getByLabel("Email address").fill(mailbox);
      await form.getByLabel("Mailbox password").fill("not-the-password");
      await form.getByLabel("IMAP server").fill("127.0.0.1");
      await form.getByLabel("IMAP port").fill(env("IMAP_PORT"));
      await form.getByLabel("IMAP security").selectOption("none");
      await form.getByLabel("SMTP server").fill("127.0.0.1");
      await form.getByLabel("SMTP port").fill(env("SMTP_PORT"));
      await form.getByLabel("SMTP security").selectOption("none");
      await form.getByRole("button", { name: "Connect mailbox" }).click();
      await form.getByRole("alert").getByText(/IMAP server .* refused/i).waitFor({ timeout: 20_000 });
    }],
    ["connecting the mailbox shows the sync progress bar, then the inbox", async () => {
      const form = page.getByTestId("connect-mailbox");
      await form.getByLabel("Mailbox password").fill(env("MAILBOX_PASSWORD"));
      await form.getByRole("button", { name: "Connect mailbox" }).click();
      const bar = page.locator('[data-testid="sync-progress"]:visible [role="progressbar"]');
      // No worker runs yet: the first sync waits in the queue, and the bar says so.
      await bar.waitFor({ timeout: 20_000 });
      await page.getByText("Getting ready to sync…").first().waitFor();
      outcome.progress_seen = true;
      assert.equal(await bar.getAttribute("aria-valuenow"), "0");
      await screenshot(page, "mail-02-syncing");
      await writeFile(env("SYNC_GATE"), "start the worker\n");
      await bar.waitFor({ state: "detached", timeout: 60_000 });
      await rows(page).first().waitFor();
      await page.getByRole("button", { name: /Inbox/ }).getByLabel(/unread/).waitFor();
    }],
    ["the inbox scrolls through every keyset page", async () => {
      assert.equal(await rows(page).count(), 50);
      for (let round = 0; round < 10 && (await rows(page).count()) < 124; round += 1) {
        await rows(page).last().scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
      }
      await page.getByText("That’s everything.").waitFor();
      outcome.rows_after_scroll = await rows(page).count();
      const first = await subjects(page);
      assert.equal(first[0], "Quarterly report");
      assert.equal(first.at(-1), "Weekly update 001");
      await page.locator('[data-message-list]').evaluate((list) => list.parentElement.scrollTo(0, 0));
    }],
    ["j/k move the cursor and o opens the message", async () => {
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("j");
      await page.keyboard.press("j");
      await page.keyboard.press("k");
      await page.keyboard.press("o");
      const pane = page.getByTestId("reading-pane");
      await pane.getByRole("heading", { name: "Quarterly report" }).waitFor();
      outcome.opened_subject = (await pane.getByRole("heading", { level: 2 }).innerText()).trim();
      await pane.getByText("Finance").first().waitFor();
      const frame = page.frameLocator('[data-testid="message-frame"]');
      await frame.getByText("The quarterly numbers are attached.").waitFor();
      // Opening marked it read: the row is no longer bold once the list refreshed.
      await page.waitForFunction(() => !document.querySelector('[data-testid="message-row"][data-unread]')?.textContent?.includes("Quarterly report"));
      await screenshot(page, "mail-03-reading");
    }],
    ["the attachment downloads with its content", async () => {
      const link = page.getByTestId("attachment").filter({ hasText: "q1-numbers.txt" });
      const href = await link.getAttribute("href");
      outcome.attachment_text = await page.evaluate(async (url) => (await fetch(url)).text(), href);
      const raw = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { type: response.headers.get("content-type"), text: await response.text() };
      }, await page.getByRole("link", { name: "Download original" }).getAttribute("href"));
      assert.equal(raw.type, "message/rfc822");
      assert.match(raw.text, /Subject: Quarterly report/);
    }],
    ["a reply opens as a conversation of two", async () => {
      await page.keyboard.press("j");
      const pane = page.getByTestId("reading-pane");
      await pane.getByRole("heading", { name: "Re: Lunch on Friday?" }).waitFor();
      const thread = pane.getByRole("navigation", { name: "Messages in this conversation" });
      await thread.getByRole("button").nth(1).waitFor();
      outcome.thread_size = await thread.getByRole("button").count();
    }],
    ["r opens a reply to the sender; with an attachment it autosaves as a draft", async () => {
      await page.getByTestId("reading-pane").getByRole("heading", { name: "Re: Lunch on Friday?" }).click();
      await page.keyboard.press("r");
      const composer = page.getByTestId("composer");
      await composer.waitFor();
      assert.equal(await composer.getByLabel("To").inputValue(), "Carl Client <carl@client.example>");
      assert.equal(await composer.getByLabel("Subject").inputValue(), "Re: Lunch on Friday?");
      await composer.getByLabel("Message").fill("Friday works for me.");
      await composer.locator('input[type="file"]').setInputFiles({ name: "agenda.txt", mimeType: "text/plain", buffer: Buffer.from("1. Lunch\n2. Contract\n") });
      await composer.getByTestId("compose-attachment").getByText("Attached").waitFor();
      await composer.getByTestId("draft-state").getByText("Draft saved").waitFor({ timeout: 20_000 });
      outcome.draft_saved = true;
      await screenshot(page, "mail-05-composer");
    }],
    ["send, undo from the toast, send again", async () => {
      const composer = page.getByTestId("composer");
      await composer.getByRole("button", { name: "Send", exact: true }).click();
      const toast = page.getByTestId("toast");
      await toast.getByText("Message sent.").waitFor();
      await composer.waitFor({ state: "detached" });
      await toast.getByRole("button", { name: "Undo" }).click();
      await page.getByTestId("toast").getByText("Sending undone.").waitFor();
      await composer.waitFor();
      assert.equal(await composer.getByLabel("Message").inputValue(), "Friday works for me.");
      await composer.getByTestId("compose-attachment").getByText("agenda.txt").waitFor();
      await composer.getByRole("button", { name: "Send", exact: true }).click();
      await page.getByTestId("toast").getByText("Message sent.").waitFor();
    }],
    ["# deletes the message and Undo brings it back", async () => {
      await rows(page).filter({ hasText: "Signed contract" }).locator("button").click();
      await page.getByTestId("reading-pane").getByRole("heading", { name: "Signed contract" }).waitFor();
      await page.keyboard.press("#");
      await page.getByTestId("toast").getByText("Message moved to Trash.").waitFor();
      await rows(page).filter({ hasText: "Signed contract" }).waitFor({ state: "detached" });
      await screenshot(page, "mail-06-deleted-undo");
      await page.getByTestId("toast").getByRole("button", { name: "Undo" }).click();
      await page.getByTestId("toast").getByText("Moved back from Trash.").waitFor();
      await rows(page).filter({ hasText: "Signed contract" }).waitFor();
    }],
    ["two checked messages are marked read at once", async () => {
      await page.getByLabel("Select “Weekly update 120”").check();
      await page.getByLabel("Select “Weekly update 119”").check();
      const bar = page.getByTestId("bulk-bar");
      await bar.getByText("2 selected").waitFor();
      await bar.getByRole("button", { name: "Mark read" }).click();
      await bar.waitFor({ state: "detached" });
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="message-row"]')]
          .filter((row) => /Weekly update 1(19|20)/.test(row.textContent ?? ""))
          .every((row) => !row.hasAttribute("data-unread")),
      );
    }],
    ["/ focuses the search; a word finds the one message", async () => {
      await page.keyboard.press("Escape");
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("/");
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("type")), "search");
      await page.keyboard.type("quarterly");
      await page.keyboard.press("Enter");
      await page.getByText("Search results").waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 1);
      outcome.search_subjects = await subjects(page);
      await screenshot(page, "mail-04-search");
    }],
    ["the flagged filter finds the flagged contract", async () => {
      await page.getByRole("button", { name: "Clear search" }).click();
      await page.getByRole("button", { name: "Filters" }).click();
      await page.getByRole("checkbox", { name: "Flagged" }).check();
      await page.getByRole("search").getByRole("button", { name: "Search", exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 1);
      outcome.flagged_subjects = await subjects(page);
      await page.getByRole("button", { name: "Clear search" }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length >= 50);
    }],
    ["at phone width the list and the message take the screen in turn", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await rows(page).first().waitFor();
      await screenshot(page, "mail-07-phone-list");
      await rows(page).first().locator("button").click();
      await page.getByRole("button", { name: "Back to the list" }).waitFor();
      assert.equal(await rows(page).first().isVisible(), false);
      await screenshot(page, "mail-08-phone-reading");
      await page.getByRole("button", { name: "Back to the list" }).click();
      await rows(page).first().waitFor();
    }],
  ]);
  assert.deepEqual(pageErrors, []);
} finally {
  await browser.close();
}
console.log(JSON.stringify(outcome));
