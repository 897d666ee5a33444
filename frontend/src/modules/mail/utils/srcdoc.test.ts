import { describe, expect, it } from "vitest";

import { MESSAGE_FRAME_SANDBOX, messageCsp, messageSrcdoc, textSrcdoc } from "./srcdoc";

describe("messageSrcdoc", () => {
  it("puts the CSP before the body, with no script and no remote images by default", () => {
    const doc = messageSrcdoc("<p>Hello</p>", { remoteImages: false });
    const cspAt = doc.indexOf("Content-Security-Policy");
    expect(cspAt).toBeGreaterThan(-1);
    expect(cspAt).toBeLessThan(doc.indexOf("<body>"));
    expect(doc).toContain("script-src 'none'");
    expect(doc).toContain("img-src data: cid:;");
    expect(doc).not.toContain("https:");
    expect(doc).toContain("<body><p>Hello</p></body>");
  });

  it("lets remote images through only when the user asked", () => {
    expect(messageCsp(true)).toContain("img-src data: cid: https: http:");
    expect(messageCsp(true)).toContain("default-src 'none'");
  });

  it("escapes plain text", () => {
    expect(textSrcdoc("a < b & <script>x</script>")).toContain("a &lt; b &amp; &lt;script&gt;x&lt;/script&gt;");
  });

  it("never lets the frame run scripts or share the app's origin", () => {
    expect(MESSAGE_FRAME_SANDBOX).not.toContain("allow-scripts");
    expect(MESSAGE_FRAME_SANDBOX).not.toContain("allow-same-origin");
  });
});
