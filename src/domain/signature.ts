// The request signature of §4, shared by the server (verification), the client, the CLI
// and the outgoing webhook channel (which signs its posts the same way).
import { createHmac, timingSafeEqual } from "node:crypto";

/** `sha256=<hex HMAC(secret, "<timestamp>.<METHOD>.<path and query>.<raw body>")>` */
export function sign(secret: string, timestamp: string, method: string, pathAndQuery: string, body: Buffer | string): string {
  const mac = createHmac("sha256", secret);
  mac.update(`${timestamp}.${method.toUpperCase()}.${pathAndQuery}.`);
  mac.update(body);
  return `sha256=${mac.digest("hex")}`;
}

/** Headers for a signed request at `nowMs`. */
export function signedHeaders(
  secret: string,
  method: string,
  pathAndQuery: string,
  body: Buffer | string,
  nowMs: number = Date.now(),
): { "X-Timestamp": string; "X-Signature": string } {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { "X-Timestamp": timestamp, "X-Signature": sign(secret, timestamp, method, pathAndQuery, body) };
}

/** Constant-time comparison of two signature strings. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
