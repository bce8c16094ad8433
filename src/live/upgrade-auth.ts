// Read-token check for the WebSocket upgrade (§4): `Authorization: Bearer <token>` or, because
// browsers cannot set headers on a WebSocket, `?token=`. Rejections are written on the raw socket
// before any WebSocket exists, so an unauthenticated peer never gets a connection.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** Constant-time: both sides are hashed first so neither length nor content leaks through timing. */
function tokensEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (typeof header === "string" && header.startsWith("Bearer ")) return header.slice(7);
  return url.searchParams.get("token");
}

export function upgradeAuthorized(req: IncomingMessage, url: URL, readToken: string | undefined): boolean {
  if (!readToken) return true;
  const given = presentedToken(req, url);
  return given !== null && given !== "" && tokensEqual(given, readToken);
}

const TITLES = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 503: "Service Unavailable" } as const;

/** Answers an upgrade with a plain HTTP error (problem+json, §16 headers) and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: keyof typeof TITLES, detail: string): void {
  const title = TITLES[status];
  const body = JSON.stringify({
    type: `https://trading-exporter.dev/problems/${title.toLowerCase().replace(/ /g, "-")}`,
    title,
    status,
    detail,
  });
  const headers = [
    `HTTP/1.1 ${status} ${title}`,
    "Content-Type: application/problem+json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "X-Content-Type-Options: nosniff",
    "Referrer-Policy: no-referrer",
    "Connection: close",
    ...(status === 401 ? ['WWW-Authenticate: Bearer realm="trading-exporter"'] : []),
  ];
  socket.end(`${headers.join("\r\n")}\r\n\r\n${body}`);
}
