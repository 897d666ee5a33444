// Connecting a mailbox with OAuth2 in a real browser: Connect with the provider the server offers, its authorize
// endpoint, the public callback, and back in the mail client with the new account syncing. Prints one JSON line
// for the Python test.
import assert from "node:assert/strict";

import { browserLaunch, env, hydrated, screenshot, signIn, steps } from "./lib.mjs";

const origin = env("ORIGIN");
const mailbox = env("MAILBOX");
const authorizeOrigin = env("AUTHORIZE_ORIGIN");

const browser = await browserLaunch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(String(error)));
const outcome = { visited_authorize: false };
page.on("request", (request) => {
  if (request.url().startsWith(`${authorizeOrigin}/authorize`)) outcome.visited_authorize = true;
});

try {
  await steps(page, [
    ["the owner signs in", async () => {
      await signIn(page, origin, { email: env("OWNER_EMAIL"), password: env("OWNER_PASSWORD"), next: "/settings/mail-accounts" });
    }],
    ["Connect with the offered provider goes to its sign-in and back into Mail", async () => {
      await page.getByRole("button", { name: "Connect a mailbox" }).click();
      await page.getByRole("button", { name: "Connect Company account" }).click();
      await page.getByLabel("Email address to connect").fill(mailbox);
      await screenshot(page, "settings-mail-accounts-oauth");
      await page.getByRole("button", { name: "Continue" }).click();
      await page.waitForURL((url) => url.pathname === "/mail" && url.searchParams.has("connected"), { timeout: 30_000 });
      await hydrated(page);
      const url = new URL(page.url());
      outcome.landed_on = `${url.pathname}${url.search}`;
      await page.getByTestId("toast").getByText("Mailbox connected.", { exact: false }).waitFor();
    }],
    ["the new account syncs its mail with the token", async () => {
      const row = page.getByTestId("message-row").filter({ hasText: "Hello over OAuth2" });
      // The list is the connected account's: ?connected= opened it, whatever other mailboxes there are.
      await row.waitFor({ timeout: 60_000 });
      outcome.synced_subject = "Hello over OAuth2";
      await screenshot(page, "mail-12-oauth-connected");
    }],
  ]);
  assert.deepEqual(pageErrors, []);
} finally {
  await browser.close();
}
console.log(JSON.stringify(outcome));
