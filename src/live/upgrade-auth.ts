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

/** Answers an upgrade with a plain HTTP error (problem+json) and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: 400 | 401 | 404 | 503, detail: string): void {
  const titles = { 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 503: "Service Unavailable" } as const;
  const body = JSON.stringify({
    type: `https://trading-exporter.dev/problems/${titles[status].toLowerCase().replace(/ /g, "-")}`,
    title: titles[status],
    status,
    detail,
  });
  const headers = [
    `HTTP/1.1 ${status} ${titles[status]}`,
    "Content-Type: application/problem+json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    ...(status === 401 ? ['WWW-Authenticate: Bearer realm="trading-exporter"'] : []),
  ];
  socket.end(`${headers.join("\r\n")}\r\n\r\n${body}`);
}
