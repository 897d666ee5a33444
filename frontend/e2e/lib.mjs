// Helpers of the browser tests: Debian's Chromium driven by playwright-core, the mail the SMTP sink saved,
// screenshots into frontend/test-results/.
import { mkdir, readFile, readdir } from "node:fs/promises";
import path from "node:path";

import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export async function browserLaunch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
}

export async function screenshot(page, name) {
  const directory = process.env.SCREENSHOT_DIR ?? path.resolve("test-results");
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The first link matching `pattern` in a mail the SMTP sink saved to MAIL_DIR, waiting for it to arrive. */
export async function linkFromMail(pattern, { to, timeoutMs = 20_000 } = {}) {
  const directory = env("MAIL_DIR");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const name of (await readdir(directory)).sort()) {
      const text = await readFile(path.join(directory, name), "utf8");
      if (to && !text.toLowerCase().includes(to.toLowerCase())) continue;
      const match = text.match(pattern);
      if (match) return match[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail${to ? ` to ${to}` : ""} with a link matching ${pattern} within ${timeoutMs} ms`);
}

/** The errors the page logs to its console or throws, collected as they happen. */
export function consoleErrorsOf(page) {
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}

/** Runs named steps in order, printing each; on failure saves a screenshot and exits non-zero. */
export async function steps(page, list) {
  for (const [name, run] of list) {
    const started = Date.now();
    try {
      await run();
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      console.log(`FAIL ${name}: ${error instanceof Error ? error.stack : String(error)}`);
      console.log(`     at ${page.url()}`);
      await screenshot(page, `failure-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => undefined);
      throw error;
    }
  }
}

/**
 * Waits until React has hydrated the page that is loaded now (the app marks <html data-hydrated>). Text typed into a
 * server-rendered field before that is not in React's state, so a form would submit it empty. After a full page
 * load only: call it once the new URL is reached.
 */
export async function hydrated(page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 20_000 });
}

/** Opens a URL and waits for React to hydrate it. */
export async function open(page, url) {
  await page.goto(url);
  await hydrated(page);
}

/** Signs in through the login form of a company's host and waits for `next` to open. */
export async function signIn(page, origin, { email, password, next = "/" }) {
  await open(page, `${origin}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === next, { timeout: 20_000 });
}

/** Connects the test Dovecot's mailbox through the API from the signed-in page (session cookie and CSRF). */
export async function mailboxConnect(page, { mailbox, password, imapPort, smtpPort }) {
  const result = await page.evaluate(
    async (body) => {
      const csrf = document.cookie.split("; ").find((part) => part.startsWith("atrium_csrftoken="))?.split("=")[1] ?? "";
      const response = await fetch("/api/mail/accounts", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    {
      name: "Work", email_address: mailbox, username: mailbox, password, provider: "custom",
      imap_host: "127.0.0.1", imap_port: imapPort, imap_security: "none",
      smtp_host: "127.0.0.1", smtp_port: smtpPort, smtp_security: "none",
    },
  );
  if (result.status !== 201) throw new Error(`connecting the mailbox failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}
