// The signed-in portal in a real browser against the real backend: the dashboard's mail charts, the Ctrl/Cmd-K
// palette (keyboard, focus trap, people, mail and pages), profile editing, the admin console's mail accounts
// screen with a refused connection shown on its field, and a settings list longer than one page.
// The Python test seeds the company (a person, mailboxes, mail, 100+ colleagues) and checks the database after.
import assert from "node:assert/strict";

import { browserLaunch, consoleErrorsOf, env, open, screenshot, signIn, steps } from "./lib.mjs";

const origin = env("COMPANY_ORIGIN"); // http://acme.localhost:PORT
const email = env("PORTAL_EMAIL");
const password = env("PORTAL_PASSWORD");
const newPassword = env("PORTAL_NEW_PASSWORD");
const newName = "Paula P. Portal";

const browser = await browserLaunch();
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: "reduce" });
const page = await context.newPage();
const consoleErrors = consoleErrorsOf(page);

const dialog = () => page.getByRole("dialog", { name: "Search Atrium" });
const combobox = () => dialog().getByRole("combobox");

try {
  await steps(page, [
    ["sign in", () => signIn(page, origin, { email, password })],
    ["the dashboard charts mail per day, unread by mailbox and sync health", async () => {
      const chart = page.getByTestId("mail-activity-chart");
      await chart.locator("svg").waitFor();
      assert.ok((await chart.locator("svg rect").count()) >= 60, "a bar per day and series");
      assert.equal(await chart.getAttribute("data-received"), "7");
      assert.equal(await chart.getAttribute("data-sent"), "2");
      assert.equal(await chart.getByRole("img", { name: "Mail received and sent per day" }).count(), 1);
      const unread = page.getByRole("list", { name: "Unread messages by mailbox" });
      assert.match(await unread.innerText(), /Sales[\s\S]*4[\s\S]*Support[\s\S]*1/);
      const health = page.getByTestId("sync-health");
      await health.getByText("Sign-in refused").waitFor();
      await health.getByText("[AUTHENTICATIONFAILED] Authentication failed.", { exact: false }).waitFor();
      await screenshot(page, "20-dashboard-charts");
    }],
    ["the header counts unread notifications and the navigation unread mail; opening marks them seen", async () => {
      assert.equal((await page.getByTestId("mail-unread-badge").innerText()).replace(/\D/g, ""), "5");
      const bell = page.getByRole("button", { name: /^Notifications/ });
      assert.equal(await bell.getAttribute("aria-label"), "Notifications, 3 unread");
      await bell.click();
      const panel = page.getByRole("region", { name: "Notifications" });
      await panel.getByText("The server refused the sign-in: support@acme-e2e.test").waitFor();
      await panel.getByText("4 new messages").waitFor();
      await screenshot(page, "25-notifications");
      await page.getByTestId("notifications-unread").waitFor({ state: "detached" });
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "detached" });
    }],
    ["Ctrl-K opens the palette with the focus in its search box", async () => {
      await page.keyboard.press("Control+k");
      await dialog().waitFor();
      assert.equal(await dialog().getAttribute("aria-modal"), "true");
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "combobox");
    }],
    ["mail is found by subject prefix and people by name", async () => {
      await combobox().fill("quarterly road");
      await dialog().getByRole("option", { name: /Quarterly roadmap review/ }).waitFor();
      await combobox().fill("hopper");
      await dialog().getByRole("option", { name: /Grace Hopper/ }).waitFor();
      await screenshot(page, "21-command-palette");
    }],
    ["Tab keeps the focus inside the palette, Escape closes it", async () => {
      for (let press = 0; press < 4; press += 1) {
        await page.keyboard.press("Tab");
        assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]'))), "focus left the dialog");
      }
      await page.keyboard.press("Escape");
      await dialog().waitFor({ state: "detached" });
    }],
    ["closing the palette gives the focus back to where it was", async () => {
      await page.getByRole("button", { name: /Search/ }).click();
      await combobox().waitFor();
      await page.keyboard.press("Escape");
      await dialog().waitFor({ state: "detached" });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-haspopup")), "dialog");
    }],
    ["arrows and Enter open a settings page from the palette", async () => {
      await page.getByRole("button", { name: /Search/ }).click();
      await combobox().fill("bill");
      const option = dialog().getByRole("option", { name: /Billing/ });
      await option.waitFor();
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowUp");
      assert.equal(await option.getAttribute("aria-selected"), "true");
      await page.keyboard.press("Enter");
      await page.waitForURL(`${origin}/settings/billing`);
      await page.getByRole("heading", { level: 1, name: "Billing" }).waitFor();
    }],
    ["the profile page changes my name", async () => {
      await page.getByRole("button", { name: "Account menu" }).click();
      await page.getByRole("menuitem", { name: "Your profile" }).click();
      await page.waitForURL(`${origin}/settings/profile`);
      await page.getByLabel("Full name").fill(newName);
      await page.getByRole("button", { name: "Save name" }).click();
      await page.getByText("Your name is saved.").waitFor();
      await page.getByRole("button", { name: "Account menu" }).getByText(newName).waitFor();
    }],
    ["a wrong current password is refused next to its field, the right one changes it", async () => {
      await page.getByLabel("Current password").fill("not-my-password");
      await page.getByLabel("New password").fill(newPassword);
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByText("The current password is wrong.").waitFor();
      assert.equal(await page.getByLabel("Current password").getAttribute("aria-invalid"), "true");
      await page.getByLabel("Current password").fill(password);
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByText("Your password is changed.").waitFor();
      await screenshot(page, "22-profile");
    }],
    ["the mail accounts screen lists every mailbox with its owner and the server's words", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Mail accounts" }).click();
      await page.waitForURL(`${origin}/settings/mail-accounts`);
      const refused = page.getByRole("row", { name: /support@acme-e2e\.test/ });
      await refused.getByText("Sign-in refused").waitFor();
      await refused.getByText(/AUTHENTICATIONFAILED/).waitFor();
      await page.getByRole("row", { name: /sales@acme-e2e\.test/ }).getByText(newName).waitFor();
      await screenshot(page, "23-mail-accounts");
    }],
    ["a provider sign-in refused by the server comes back to the mail accounts screen in words", async () => {
      // The server redirects a refused OAuth2 callback here with the error's code only.
      await open(page, `${origin}/settings/mail-accounts?oauth_error=oauth_denied`);
      const banner = page.getByRole("alert").filter({ hasText: "The mailbox was not connected" });
      await banner.getByText("The provider did not grant access. Start again and allow Atrium to use the mailbox.").waitFor();
      await banner.getByRole("button", { name: "Dismiss" }).click();
      await page.waitForURL(`${origin}/settings/mail-accounts`);
      await banner.waitFor({ state: "detached" });
    }],
    ["a server that refuses the connection is named next to its field", async () => {
      await page.getByRole("button", { name: "Connect a mailbox" }).click();
      // This server has no OAuth2 provider configured, so none is offered.
      await page.getByLabel("Mailbox password").waitFor();
      assert.equal(await page.getByRole("button", { name: /^Connect (Google|Microsoft|Yahoo)/ }).count(), 0);
      await page.getByLabel("Mailbox name").fill("Closed");
      await page.getByLabel("Email address").fill("closed@acme-e2e.test");
      await page.getByLabel("Mailbox password").fill("secret");
      await page.getByLabel("IMAP server").fill("127.0.0.1");
      await page.getByLabel("IMAP port").fill("1");
      await page.getByLabel("IMAP security").selectOption("none");
      await page.getByLabel("SMTP server").fill("127.0.0.1");
      await page.getByLabel("SMTP port").fill("1");
      await page.getByLabel("SMTP security").selectOption("none");
      await page.getByRole("button", { name: "Test and connect" }).click();
      await page.waitForFunction(() => document.querySelector('input[name="imap_host"]')?.getAttribute("aria-invalid") === "true");
      const describedBy = (await page.getByLabel("IMAP server").getAttribute("aria-describedby")) ?? "";
      const errorText = await page.locator(`[id="${describedBy.split(" ").pop()}"]`).innerText();
      assert.match(errorText, /IMAP server 127\.0\.0\.1:1/);
      await screenshot(page, "24-connect-refused");
    }],
    ["a list longer than a page loads the rest on demand", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
      await page.waitForURL(`${origin}/settings/users`);
      await page.getByRole("button", { name: "Load more" }).waitFor();
      const before = await page.getByRole("row").count();
      await page.getByRole("button", { name: "Load more" }).click();
      await page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
      const after = await page.getByRole("row").count();
      assert.ok(after > before, `rows ${before} -> ${after}`);
      assert.ok(after - 1 >= 103, `only ${after - 1} users listed`);
    }],
  ]);
  const unexpected = consoleErrors.filter((text) => !/status of 40[0-9]|Failed to load resource/.test(text));
  assert.deepEqual(unexpected, [], "the browser console has errors");
  console.log(JSON.stringify({ full_name: newName }));
} finally {
  await browser.close();
}
