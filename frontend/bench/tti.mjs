// Time to interactive of the portal's dashboard and of the mail client's inbox in headless Chromium, cold cache
// each run: a new browser context signs in through the API, then opens the page and waits until it shows its data
// (React has hydrated and rendered the API's answers). Prints one JSON line.
import { browserLaunch } from "../e2e/lib.mjs";

const origin = process.env.PORTAL_ORIGIN; // http://bench.localhost:PORT
const email = process.env.PORTAL_EMAIL;
const password = process.env.PORTAL_PASSWORD;
const runs = Number(process.env.RUNS ?? "7");

// Ready: the dashboard shows its figures, the company's name and the mail chart (GET /api/dashboard).
function dashboardReady() {
  const stats = document.querySelector('[data-testid="dashboard-stats"]');
  const name = document.querySelector('[data-testid="tenant-name"]');
  const chart = document.querySelector('[data-testid="mail-activity-chart"] svg');
  const ready = stats && name && chart && !stats.textContent?.includes("…") && name.textContent?.trim();
  return ready ? performance.now() : null;
}

// Ready: the inbox shows its folders with unread counts and the first page of messages.
function inboxReady() {
  const rows = document.querySelectorAll('[data-testid="message-row"]').length;
  const folders = document.querySelectorAll('[data-testid="folder"]').length;
  return rows >= 50 && folders > 0 ? performance.now() : null;
}

async function signedInPage(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 } });
  // Sign in from a page of the same origin that loads no script (the CSRF endpoint's JSON), so the page's
  // JavaScript is still uncached when it opens. (Node's own requests cannot resolve *.localhost.)
  const page = await context.newPage();
  await page.goto(`${origin}/api/auth/csrf`);
  const status = await page.evaluate(
    async ({ email, password }) => {
      const csrf = document.cookie.split("; ").find((part) => part.startsWith("atrium_csrftoken="))?.split("=")[1] ?? "";
      const response = await fetch("/api/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ email, password }),
      });
      return response.status;
    },
    { email, password },
  );
  if (status !== 200) throw new Error(`login failed: ${status}`);
  return { context, page };
}

async function measure(browser, path, ready) {
  const samples = [];
  let scripts = [];
  for (let run = 0; run < runs; run += 1) {
    const { context, page } = await signedInPage(browser);
    await page.goto(`${origin}${path}`, { waitUntil: "commit" });
    const readyAt = await page.waitForFunction(ready, undefined, { polling: "raf", timeout: 30_000 }).catch(async (error) => {
      await page.screenshot({ path: "test-results/bench-failure.png" }).catch(() => undefined);
      throw new Error(`${path} did not get ready at ${page.url()}: ${error}`);
    });
    samples.push(await readyAt.jsonValue());
    if (run === 0) {
      scripts = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .filter((entry) => entry.name.endsWith(".js"))
          .map((entry) => ({ path: new URL(entry.name).pathname, transferred: entry.transferSize, encoded: entry.encodedBodySize })),
      );
    }
    await context.close();
  }
  return { samples, scripts };
}

const browser = await browserLaunch();
let dashboard;
let inbox;
try {
  dashboard = await measure(browser, "/", dashboardReady);
  inbox = await measure(browser, "/mail", inboxReady);
} finally {
  await browser.close();
}
console.log(
  JSON.stringify({ samples_ms: dashboard.samples, scripts: dashboard.scripts, inbox_samples_ms: inbox.samples, inbox_scripts: inbox.scripts }),
);
