import { MESSAGE_FRAME_SANDBOX, messageSrcdoc, textSrcdoc } from "../utils/srcdoc";

/**
 * A message body in a sandboxed iframe: no scripts, not the app's origin, a CSP of its own. It scrolls inside
 * the reading pane (its height cannot be measured without letting it share the app's origin).
 */
export function MessageFrame({ html, text, remoteImages, title }: { html: string; text: string; remoteImages: boolean; title: string }) {
  const srcDoc = html ? messageSrcdoc(html, { remoteImages }) : textSrcdoc(text);
  return (
    <iframe
      title={title}
      data-testid="message-frame"
      sandbox={MESSAGE_FRAME_SANDBOX}
      referrerPolicy="no-referrer"
      srcDoc={srcDoc}
      className="block h-full min-h-[24rem] w-full flex-1 border-0 bg-white"
    />
  );
}
