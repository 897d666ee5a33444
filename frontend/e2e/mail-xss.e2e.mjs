// The XSS test in a real browser: a hostile HTML mail (scripts, event handlers, javascript: and data: links,
// forms, CSS tricks, meta refresh, iframes, objects, SVG with script, a fixed overlay) synced from the test
// Dovecot is opened in the reading pane. Every payload tries to set window.__xss, open a dialog or fetch from the
// beacon server; none may. The tracking pixel is fetched only after "Show images". Prints one JSON line.
import assert from "node:assert/strict";

import { browserLaunch, env, mailboxConnect, screenshot, signIn, steps } from "./lib.mjs";

const origin = env("ORIGIN");
const beacon = env("BEACON");
const beaconHits = async () => (await (await fetch(`${beacon}/hits`)).json());

const browser = await browserLaunch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: "reduce" });
const page = await context.newPage();
const dialogs = [];
const beaconRequests = [];
let popups = 0;
page.on("dialog", async (dialog) => {
  dialogs.push(dialog.message());
  await dialog.dismiss();
});
page.on("popup", () => {
  popups += 1;
});
context.on("request", (request) => {
  if (request.url().startsWith(beacon)) beaconRequests.push(new URL(request.url()).pathname);
});
const outcome = {};

const frameOf = async () => {
  const element = await page.getByTestId("message-frame").elementHandle();
  const frame = await element.contentFrame();
  assert.ok(frame, "the message frame has a document");
  return frame;
};

try {
  await steps(page, [
    ["sign in, connect the hostile mailbox, wait for the sync", async () => {
      await signIn(page, origin, { email: env("OWNER_EMAIL"), password: env("OWNER_PASSWORD"), next: "/mail" });
      await mailboxConnect(page, {
        mailbox: env("MAILBOX"), password: env("MAILBOX_PASSWORD"),
        imapPort: Number(env("IMAP_PORT")), smtpPort: Number(env("SMTP_PORT")),
      });
      await page.reload();
      await page.getByTestId("mail-client").waitFor();
      const accounts = page.getByRole("combobox", { name: "Mailbox" });
      if (await accounts.count()) await accounts.selectOption({ label: env("MAILBOX") });
      await page.getByTestId("message-row").filter({ hasText: "Totally normal newsletter" }).waitFor({ timeout: 60_000 });
    }],
    ["open it: it renders, and nothing in it runs or loads", async () => {
      await page.getByTestId("message-row").filter({ hasText: "Totally normal newsletter" }).locator("button").click();
      await page.getByTestId("reading-pane").getByRole("heading", { name: "Totally normal newsletter" }).waitFor();
      const frame = await frameOf();
      await frame.getByRole("heading", { name: "Totally normal newsletter" }).waitFor();
      assert.equal(await page.getByTestId("message-frame").getAttribute("sandbox"), "allow-popups allow-popups-to-escape-sandbox");
      outcome.dangerous_nodes = await frame.evaluate(() =>
        document.querySelectorAll(
          "script, iframe, object, embed, form, input, button, meta[http-equiv=refresh], link[rel=stylesheet], base[href], style:not(head > style:first-of-type), [onerror], [onload], [ontoggle], [style], a[href^='javascript' i], a[href^='data' i]",
        ).length,
      );
      await page.waitForTimeout(1500);
      await screenshot(page, "mail-xss-01-opened");
    }],
    ["clicking its links runs nothing", async () => {
      const frame = await frameOf();
      for (const text of ["Click me", "And me", "Data"]) {
        await frame.getByText(text, { exact: true }).click({ timeout: 5_000 });
      }
      await page.waitForTimeout(1000);
    }],
    ["nothing fired: no flag, no dialog, no popup, no request to the beacon", async () => {
      outcome.xss_flag = await page.evaluate(() => window.__xss ?? null);
      outcome.dialogs = dialogs;
      outcome.popups = popups;
      outcome.hits_before_images = [...new Set([...(await beaconHits()), ...beaconRequests])];
      assert.equal(outcome.xss_flag, null);
      assert.deepEqual(outcome.hits_before_images, []);
      // The page itself still works: its own overlay-free layout answers clicks outside the frame.
      await page.getByRole("button", { name: "Flag" }).waitFor();
    }],
    ["remote images load only once asked for", async () => {
      await page.getByRole("button", { name: "Show images" }).click();
      const frame = await frameOf();
      await frame.locator("img#tracker, img[alt=tracker]").first().waitFor();
      const deadline = Date.now() + 10_000;
      while (!(await beaconHits()).includes("/remote/pixel.gif") && Date.now() < deadline) await page.waitForTimeout(100);
      outcome.tracker_loaded_after_asking = (await beaconHits()).includes("/remote/pixel.gif");
      outcome.hits_after_images = await beaconHits();
      await screenshot(page, "mail-xss-02-images");
    }],
  ]);
} finally {
  await browser.close();
}
console.log(JSON.stringify(outcome));
