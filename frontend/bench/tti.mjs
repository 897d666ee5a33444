// Time to interactive of the portal's dashboard in headless Chromium, cold cache each run: a new browser
// context signs in through the API, then opens "/" and waits until the dashboard shows its data (React has
// hydrated and rendered the answers of /api/auth/me, /api/settings, /api/billing and the mail chart of
// /api/dashboard). Prints one JSON line.
import { browserLaunch } from "../e2e/lib.mjs";

const origin = process.env.PORTAL_ORIGIN; // http://bench.localhost:PORT
const email = process.env.PORTAL_EMAIL;
const password = process.env.PORTAL_PASSWORD;
const runs = Number(process.env.RUNS ?? "7");

const browser = await browserLaunch();
const samples = [];
let scripts = [];
try {
  for (let run = 0; run < runs; run += 1) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 } });
    // Sign in from a page of the same origin that loads no script (the CSRF endpoint's JSON), so the
    // dashboard's JavaScript is still uncached when "/" opens. (Node's own requests cannot resolve *.localhost.)
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
    await page.goto(`${origin}/`, { waitUntil: "commit" });
    const readyAt = await page.waitForFunction(
      () => {
        const stats = document.querySelector('[data-testid="dashboard-stats"]');
        const name = document.querySelector('[data-testid="tenant-name"]');
        const chart = document.querySelector('[data-testid="mail-activity-chart"] svg');
        const ready = stats && name && chart && !stats.textContent?.includes("…") && name.textContent?.trim();
        return ready ? performance.now() : null;
      },
      undefined,
      { polling: "raf", timeout: 30_000 },
    ).catch(async (error) => {
      await page.screenshot({ path: "test-results/bench-failure.png" }).catch(() => undefined);
      throw new Error(`the dashboard did not get ready at ${page.url()}: ${error}`);
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
} finally {
  await browser.close();
}
console.log(JSON.stringify({ samples_ms: samples, scripts }));
