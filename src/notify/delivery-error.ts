// Failures of one delivery attempt, described so they are safe to store and log. Channel URLs carry
// tokens (Slack webhook path, Telegram bot token) and library errors echo URLs and configs, so a
// channel never lets a library error out: it builds a DeliveryError from status codes and error
// codes only, and scrubs its secrets from anything a receiver said back.

export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  /** The receiver asked us to wait this long before retrying (HTTP 429 Retry-After, Telegram retry_after). */
  readonly retryAfterMs: number | null;
  /** False when retrying cannot help (e.g. HTTP 400/401/403/404, SMTP 5xx): the dispatcher gives up at once. */
  readonly retryable: boolean;

  constructor(message: string, opts: { retryAfterMs?: number | null; retryable?: boolean } = {}) {
    super(message);
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.retryable = opts.retryable ?? true;
  }
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms, or null if absent/invalid. */
export function parseRetryAfter(value: unknown, nowMs: number): number | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const v = String(value).trim();
  if (v === "") return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Replace every occurrence of each secret (and its URL-encoded form) with "[redacted]". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  // Longest first, so a URL is replaced whole before its token part is.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join("[redacted]");
  return out;
}

/** A short, single-line, secret-free excerpt of what a receiver answered (for the operator's diagnosis). */
export function receiverDetail(text: unknown, secrets: readonly string[], max = 200): string | null {
  if (typeof text !== "string") return null;
  const line = redact(text, secrets).replace(/\s+/g, " ").trim();
  if (line === "") return null;
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS)",
  ETIMEDOUT: "connection timed out",
  ECONNABORTED: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ERR_CANCELED: "aborted",
  ABORT_ERR: "aborted",
  EABORT: "aborted",
};

/**
 * Describe a thrown network/library error by its code alone: never its message, which for axios
 * and nodemailer may contain the URL, headers or credentials.
 */
export function describeNetworkError(err: unknown, channel: string): string {
  const e = err as { code?: unknown; name?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : null;
  if (code && NETWORK_CODES[code]) return `${NETWORK_CODES[code]} (${channel})`;
  if (e?.name === "AbortError" || e?.name === "CanceledError") return `aborted (${channel})`;
  // Error codes are upper-case identifiers; anything else is not echoed.
  if (code && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return `request to ${channel} failed (${code})`;
  return `request to ${channel} failed`;
}
