// Reusable field schemas for the config. Every constraint carries its own human message: the
// loader prints `file:line: key.path: <message> (got <value>)`, so messages read as "must be …".
import { z } from "zod";

// The number and bot-name fields are the domain's (trigger overrides use them too); the config
// builds on them.
export { botNameField, int, openRatio, ratio } from "../domain/fields.js";

/** A finite number > 0. */
export const positive = () => z.number().positive("must be a number > 0");

export const nonEmpty = () => z.string().min(1, "must not be empty");

export const httpUrl = () => z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

/** Shortest accepted shared secret (HMAC secrets, the read token, a webhook's signing secret): shorter ones are guessable. */
export const MIN_SECRET_LENGTH = 16;
export const sharedSecret = () => z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`);

/** Checks of a `<key>_file`'s content, worded without the value. */
export const fileHoldsHttpUrl = (value: string): string | null =>
  httpUrl().safeParse(value).success ? null : "the file must hold an http:// or https:// URL";
export const fileHoldsSharedSecret = (value: string): string | null =>
  value.length >= MIN_SECRET_LENGTH ? null : `the secret must be at least ${MIN_SECRET_LENGTH} characters`;

/**
 * A web origin as browsers send it in `Origin`: scheme, host and optional port, nothing more.
 * Compared as strings, so it is normalised the way browsers write it (lower case, no default port).
 */
export const webOrigin = () =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && u.origin === v;
    } catch {
      return false;
    }
  }, "must be an origin such as https://grafana.example or http://localhost:3000 (scheme, host, port; no path or trailing slash)");

/** An e-mail address, optionally with a display name (`Trading <alerts@example.com>`). */
export const mailbox = () => z.string().regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, "must be an e-mail address");

/** An IANA time zone the runtime knows (Intl decides, so it matches what the engine can use). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const timeZone = () => z.string().refine(isTimeZone, "must be an IANA time zone such as UTC or Europe/Berlin");

/** `host:port`, `[ipv6]:port` or `:port` (all interfaces). Port 0 asks the OS for a free port. */
const LISTEN = /^(\[[0-9A-Fa-f:.%a-zA-Z0-9]+\]|[A-Za-z0-9_.-]*):(\d{1,5})$/;
export function parseListen(value: string): { host: string; port: number } | null {
  const m = LISTEN.exec(value);
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  let host = m[1] ?? "";
  if (host.startsWith("[")) host = host.slice(1, -1);
  return { host: host === "" ? "0.0.0.0" : host, port };
}
export const listen = () =>
  z.string().refine((v) => parseListen(v) !== null, "must be host:port with a port 0..65535 (IPv6 as [::1]:port)");

/**
 * `x` and `x_file` are two ways to give one secret; both at once is ambiguous, so it's an error.
 * Runs as an object-level refinement so the issue points at the `_file` key.
 */
export function exclusiveSecret(keys: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const key of keys) {
      if (value[key] !== undefined && value[`${key}_file`] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [`${key}_file`],
          message: `give either ${key} or ${key}_file, not both`,
          params: { noEcho: true },
        });
      }
    }
  };
}

/** Raise "required" for a key an enabled section needs; `params.enabledPath` lets errors name the env var. */
export function requireWhenEnabled(ctx: z.RefinementCtx, section: string[], key: string, present: boolean, alternative?: string): void {
  if (present) return;
  const how = alternative ? ` (set ${key} or ${alternative})` : "";
  ctx.addIssue({
    code: "custom",
    path: [key],
    message: `is required when ${[...section, "enabled"].join(".")} is true${how}`,
    params: { enabledPath: [...section, "enabled"].join(".") },
  });
}
