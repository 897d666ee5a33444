// The document a message's sanitized HTML is shown in: a sandboxed iframe (no scripts, no same origin) whose
// own Content-Security-Policy allows no script, no frame, no form target and no network but the images the
// user allowed. The sanitizer already removed the dangerous parts; this is the second wall.

const BASE_STYLE = [
  "html{color-scheme:light}",
  "body{margin:0;padding:16px;font:14px/1.55 ui-sans-serif,system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#0f172a;word-wrap:break-word;overflow-wrap:anywhere}",
  "img{max-width:100%;height:auto}",
  "table{max-width:100%}",
  "pre{white-space:pre-wrap}",
  "a{color:#4338ca}",
  "blockquote{margin:0 0 0 .5em;padding-left:.75em;border-left:3px solid #cbd5e1;color:#475569}",
].join("");

/** The iframe's sandbox: links may open in a new tab (outside the sandbox); nothing else is allowed. */
export const MESSAGE_FRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox";

export function messageCsp(remoteImages: boolean): string {
  const images = remoteImages ? "data: cid: https: http:" : "data: cid:";
  return [
    "default-src 'none'",
    `img-src ${images}`,
    "style-src 'unsafe-inline'",
    "font-src data:",
    "script-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A full HTML document for the iframe's srcdoc: CSP first, links to a new tab, then the sanitized body. */
export function messageSrcdoc(sanitizedHtml: string, { remoteImages }: { remoteImages: boolean }): string {
  return [
    "<!doctype html><html><head><meta charset=\"utf-8\">",
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(messageCsp(remoteImages))}">`,
    '<meta name="referrer" content="no-referrer">',
    '<base target="_blank">',
    `<style>${BASE_STYLE}</style>`,
    "</head><body>",
    sanitizedHtml,
    "</body></html>",
  ].join("");
}

/** A plain-text message shown the same way, escaped, line breaks kept. */
export function textSrcdoc(text: string): string {
  return messageSrcdoc(`<pre style="font:inherit;margin:0">${escapeText(text)}</pre>`, { remoteImages: false });
}
