// Who may use /ws, and how much (§16). A browser sends `Origin` with every WebSocket upgrade and
// does not apply the same-origin policy to WebSockets, so without this check any page the operator
// opens could read every bot's live state. Scripts and tools send no Origin and are not affected.
import type { IncomingMessage } from "node:http";

/**
 * True when the upgrade has no `Origin`, comes from a page of the exporter itself (the Origin's host
 * is the Host the browser connected to) or from an origin listed in `websocket.allowed_origins`.
 */
export function originAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file://) and anything unparsable
  }
}

/**
 * A token bucket: up to `perSecond` messages at once, refilled at `perSecond` per second. A client
 * that keeps sending faster than that runs dry and is closed; a short burst within it is fine.
 */
export class MessageRate {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.last = now;
  }

  /** Takes one message's token at `now` (ms); false when the client is over its rate. */
  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
