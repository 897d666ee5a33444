// A new customer's first minutes, in a real browser against the real backend: sign up on the public site,
// confirm the email from the link that was mailed, land signed in on the company's subdomain, invite a
// colleague, create an API token, change the company's settings and logo, sign out and back in; the colleague
// accepts the invitation from its email; the owner resets a forgotten password from its email.
// Prints one JSON line at the end for the Python test to check the database against.
import assert from "node:assert/strict";

import { browserLaunch, consoleErrorsOf, env, hydrated, linkFromMail, open, screenshot, steps } from "./lib.mjs";

const origin = env("BASE_URL"); // http://localhost:PORT (the public site)
const port = new URL(origin).port;
const suffix = env("E2E_SUFFIX");
const companyName = `Umbrella Labs ${suffix}`;
const subdomain = `umbrella-labs-${suffix}`;
const ownerEmail = `owner-${suffix}@umbrella.example`;
const password = "e2e-Password-that-is-long-9";
const colleague = `colleague-${suffix}@umbrella.example`;
const companyOrigin = `http://${subdomain}.localhost:${port}`;
const newName = `Umbrella Corporation ${suffix}`;
const newPassword = "reset-Password-that-is-long-7";

const browser = await browserLaunch();
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: "reduce" });
const page = await context.newPage();
const consoleErrors = consoleErrorsOf(page);

let tokenShown = "";
try {
  await steps(page, [
    ["landing page shows the offer and the plans", async () => {
      await page.goto(`${origin}/`);
      await page.getByRole("heading", { level: 1, name: "Customers, deals and mail in one calm place" }).waitFor();
      await page.getByTestId("plan-card").first().waitFor();
      assert.equal(await page.getByTestId("plan-card").count(), 3);
      await screenshot(page, "01-landing");
    }],
    ["pricing page lists the plans from the API", async () => {
      await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Pricing" }).click();
      await page.waitForURL(`${origin}/pricing`);
      await page.getByRole("heading", { name: "Team E2E" }).waitFor();
      await screenshot(page, "02-pricing");
    }],
    ["signup form suggests the address and checks it live", async () => {
      await open(page, `${origin}/signup`);
      await page.getByLabel("Company name").fill(companyName);
      assert.equal(await page.getByLabel("Your company's address").inputValue(), subdomain);
      await page.getByTestId("subdomain-available").waitFor();
      await page.getByLabel("Your company's address").fill("www");
      await page.getByTestId("subdomain-unavailable").waitFor();
      await page.getByLabel("Your company's address").fill(subdomain);
      await page.getByTestId("subdomain-available").waitFor();
    }],
    ["signup shows the API's field errors next to the fields", async () => {
      await page.getByLabel("Your name").fill("Alice Wesker");
      await page.getByLabel("Work email").fill(ownerEmail);
      await page.getByLabel("Password").fill("short");
      await page.getByRole("button", { name: "Create my company" }).click();
      const passwordField = page.getByLabel("Password");
      await page.waitForFunction(() => document.querySelector('input[name="password"]')?.getAttribute("aria-invalid") === "true");
      const describedBy = (await passwordField.getAttribute("aria-describedby")) ?? "";
      const errorText = await page.locator(`[id="${describedBy.split(" ").pop()}"]`).innerText();
      assert.match(errorText, /short|characters/i);
      await screenshot(page, "03-signup-field-error");
    }],
    ["signup succeeds and asks to check the inbox", async () => {
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Create my company" }).click();
      await page.getByTestId("signup-done").waitFor();
      assert.match(await page.getByTestId("signup-done").innerText(), new RegExp(`${subdomain}\\.localhost`));
      await screenshot(page, "04-signup-done");
    }],
    ["the emailed link confirms the address and lands signed in on the subdomain", async () => {
      const link = await linkFromMail(/http:\/\/localhost:\d+\/signup\/verify\?token=[^\s]+/, { to: ownerEmail });
      await page.goto(link);
      await page.waitForURL((url) => url.origin === companyOrigin && url.pathname === "/", { timeout: 20_000 });
      await page.getByRole("heading", { level: 1, name: /, Alice$/ }).waitFor();
      await page.getByText("Welcome to Atrium").waitFor();
      await page.getByTestId("tenant-name").getByText(companyName, { exact: true }).waitFor();
      await screenshot(page, "05-dashboard");
    }],
    ["invite a colleague", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Invitations" }).click();
      await page.waitForURL(`${companyOrigin}/settings/invitations`);
      await page.getByText("No invitations yet").waitFor();
      await page.getByLabel("Email").fill(colleague);
      await page.getByLabel("Role").selectOption("admin");
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page.getByText(`Invitation sent to ${colleague}.`).waitFor();
      const row = page.getByRole("row", { name: new RegExp(colleague) });
      await row.getByText("Pending").waitFor();
      await row.getByText("Admin").waitFor();
      await screenshot(page, "06-invitations");
    }],
    ["inviting someone who is already a user is refused next to the field", async () => {
      await page.getByLabel("Email").fill(ownerEmail);
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page.getByText("A user with this email already exists.").waitFor();
      assert.equal(await page.getByLabel("Email").getAttribute("aria-invalid"), "true");
      await page.getByLabel("Email").fill("");
    }],
    ["the users page lists the owner", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
      await page.getByRole("row", { name: new RegExp(ownerEmail) }).waitFor();
      await screenshot(page, "07-users");
    }],
    ["an API token is shown once", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
      await page.getByLabel("Name").fill("Nightly export");
      await page.getByRole("button", { name: "Create token" }).click();
      tokenShown = (await page.getByTestId("new-token").innerText()).trim();
      assert.ok(tokenShown.length >= 20);
      await page.getByRole("row", { name: /Nightly export/ }).waitFor();
      await screenshot(page, "08-tokens");
    }],
    ["an empty company name is refused next to the field", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Company settings" }).click();
      await page.waitForURL(`${companyOrigin}/settings/company`);
      await page.getByLabel("Company name").fill("");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.waitForFunction(() => document.querySelector('input[name="company_name"]')?.getAttribute("aria-invalid") === "true");
      await page.getByText("Check the highlighted fields below.").waitFor();
    }],
    ["change the company's name, time zone and currency", async () => {
      await page.getByLabel("Company name").fill(newName);
      await page.getByLabel("Time zone").selectOption("Europe/Berlin");
      await page.getByLabel("Currency").selectOption("EUR");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("Settings saved.").waitFor();
      await page.getByTestId("tenant-name").getByText(newName).waitFor();
    }],
    ["upload a logo; it shows in the settings and the navigation", async () => {
      await page.getByTestId("logo-input").setInputFiles(env("LOGO_PATH"));
      await page.getByText("Logo updated.").waitFor();
      const preview = page.getByTestId("logo-preview");
      await preview.waitFor();
      await page.waitForFunction(() => {
        const images = [...document.querySelectorAll("img")];
        return images.length >= 2 && images.every((image) => image.complete && image.naturalWidth > 0);
      });
      await screenshot(page, "09-company-settings");
    }],
    ["an SVG logo is refused in words", async () => {
      await page.getByTestId("logo-input").setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>") });
      await page.getByRole("alert").filter({ hasText: /PNG, JPEG or WebP/ }).waitFor();
    }],
    ["billing page answers", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing" }).click();
      await page.getByRole("heading", { level: 1, name: "Billing" }).waitFor();
      await screenshot(page, "10-billing");
    }],
    ["on a phone the navigation folds into a menu", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${companyOrigin}/`);
      await page.getByTestId("dashboard-stats").getByText("Unlimited").waitFor();
      await screenshot(page, "11-dashboard-phone");
      await page.getByRole("button", { name: "Open navigation" }).click();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).waitFor();
      await screenshot(page, "12-navigation-phone");
      await page.setViewportSize({ width: 1280, height: 860 });
    }],
    ["sign out, then sign in again with the password", async () => {
      await page.goto(`${companyOrigin}/`);
      await page.getByRole("button", { name: "Account menu" }).click();
      await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
      await page.waitForURL(`${companyOrigin}/login?signed_out=1`);
      await hydrated(page);
      await page.getByText("You are signed out.").waitFor();
      await page.getByLabel("Email").fill(ownerEmail);
      await page.getByLabel("Password").fill("not-the-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: /email or password/i }).waitFor();
      await screenshot(page, "13-login-error");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${companyOrigin}/`);
      await page.getByTestId("tenant-name").getByText(newName).waitFor();
    }],
    ["a signed-out visitor of an admin page is sent to sign in and back", async () => {
      const fresh = await browser.newContext();
      const visitor = await fresh.newPage();
      await visitor.goto(`${companyOrigin}/settings/users`);
      await visitor.waitForURL(`${companyOrigin}/login?next=%2Fsettings%2Fusers`);
      await hydrated(visitor);
      // The sign-in page shows the company's logo and name, read without a session.
      await visitor.getByText(`${newName} on Atrium`).waitFor();
      await visitor.waitForFunction(() => {
        const logo = document.querySelector('[data-testid="company-logo"]');
        return logo instanceof HTMLImageElement && logo.complete && logo.naturalWidth > 0;
      });
      await screenshot(visitor, "14-login");
      await visitor.getByLabel("Email").fill(ownerEmail);
      await visitor.getByLabel("Password").fill(password);
      await visitor.getByRole("button", { name: "Sign in" }).click();
      await visitor.waitForURL(`${companyOrigin}/settings/users`);
      await fresh.close();
    }],
    ["the colleague accepts the invitation from the email and lands in the portal as an admin", async () => {
      const link = await linkFromMail(/http:\/\/[^\s]+\/invite\/accept\?token=[^\s]+/, { to: colleague });
      assert.ok(link.startsWith(`${companyOrigin}/invite/accept?token=`), link);
      const fresh = await browser.newContext({ reducedMotion: "reduce" });
      const colleaguePage = await fresh.newPage();
      await open(colleaguePage, link);
      await colleaguePage.getByLabel("Your name").fill("Chris Redfield");
      await colleaguePage.getByLabel("Choose a password").fill("colleague-Password-42");
      await screenshot(colleaguePage, "15-invite-accept");
      await colleaguePage.getByRole("button", { name: "Join the team" }).click();
      await colleaguePage.waitForURL(`${companyOrigin}/`);
      await colleaguePage.getByRole("heading", { level: 1, name: /, Chris$/ }).waitFor();
      await colleaguePage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).waitFor();
      await fresh.close();
    }],
    ["the owner resets a forgotten password with the emailed link", async () => {
      const fresh = await browser.newContext({ reducedMotion: "reduce" });
      const visitor = await fresh.newPage();
      await open(visitor, `${companyOrigin}/login`);
      await visitor.getByRole("link", { name: "Forgot your password?" }).click();
      await visitor.waitForURL((url) => url.pathname.replace(/\/$/, "") === "/password-reset");
      await hydrated(visitor);
      await visitor.getByLabel("Email").fill(ownerEmail);
      await visitor.getByRole("button", { name: "Send reset link" }).click();
      await visitor.getByText("Check your inbox").waitFor();
      const link = await linkFromMail(/http:\/\/[^\s]+\/password-reset\/confirm\?uid=[^\s&]+&token=[^\s]+/, { to: ownerEmail });
      await open(visitor, link);
      await visitor.getByLabel("New password").fill(newPassword);
      await screenshot(visitor, "16-password-reset");
      await visitor.getByRole("button", { name: "Set new password" }).click();
      await visitor.waitForURL(`${companyOrigin}/login?password_reset=1`);
      await hydrated(visitor);
      await visitor.getByText("Your password is changed.").waitFor();
      await visitor.getByLabel("Email").fill(ownerEmail);
      await visitor.getByLabel("Password").fill(newPassword);
      await visitor.getByRole("button", { name: "Sign in" }).click();
      await visitor.waitForURL(`${companyOrigin}/`);
      await fresh.close();
    }],
  ]);
  const unexpected = consoleErrors.filter((text) => !/status of 40[0-9]|Failed to load resource/.test(text));
  assert.deepEqual(unexpected, [], "the browser console has errors");
  console.log(JSON.stringify({ subdomain, company_name: newName, owner_email: ownerEmail, colleague, colleague_name: "Chris Redfield", token_prefix: tokenShown.slice(0, 8) }));
} finally {
  await browser.close();
}
