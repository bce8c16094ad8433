// The one HTTP POST the channels that speak HTTP share. It turns every outcome into
// either a 2xx response or a sanitized DeliveryError; axios errors (which carry the URL and the
// request config, i.e. the tokens) never leave this function.
import { createRequire } from "node:module";
import type { AxiosStatic } from "axios";
import { DeliveryError, describeNetworkError, parseRetryAfter } from "./delivery-error.js";

// Loaded on first use, not at start-up: a process pays for the HTTP client only when the configuration uses it.
const requireLazily = createRequire(import.meta.url);
let axiosLib: AxiosStatic | undefined;
const axios = (): AxiosStatic => (axiosLib ??= requireLazily("axios") as AxiosStatic);

export const USER_AGENT = "trading-exporter-notifier";

export interface HttpResponse {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

export interface PostRequest {
  /** The channel's name, for error messages. */
  channel: string;
  url: string;
  /** Sent byte for byte (the webhook signs exactly these bytes). */
  body: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
  nowMs: () => number;
  /**
   * Channel-specific reading of a non-2xx answer: a secret-free detail to add to the error, and a
   * retry delay the body asked for (Telegram puts it in `parameters.retry_after`).
   */
  interpretFailure?: (res: HttpResponse) => { detail?: string | null; retryAfterMs?: number | null };
}

/** Statuses worth retrying: the receiver is overloaded or broken, not rejecting the request. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export async function postJson(req: PostRequest): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    const r = await axios().post<string>(req.url, req.body, {
      headers: { "Content-Type": "application/json", "User-Agent": USER_AGENT, ...req.headers },
      signal: req.signal,
      timeout: 0, // the dispatcher owns the per-attempt timeout through `signal`
      maxRedirects: 0, // a redirect would forward the body (and its signature) somewhere unexpected
      maxContentLength: 64 * 1024,
      validateStatus: () => true,
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      responseType: "text",
    });
    res = { status: r.status, headers: r.headers, body: typeof r.data === "string" ? r.data : "" };
  } catch (err) {
    throw new DeliveryError(describeNetworkError(err, req.channel));
  }
  if (res.status >= 200 && res.status < 300) return res;

  const extra = req.interpretFailure?.(res) ?? {};
  const retryAfterMs = extra.retryAfterMs ?? parseRetryAfter(res.headers["retry-after"], req.nowMs());
  const detail = extra.detail ? `: ${extra.detail}` : "";
  throw new DeliveryError(`HTTP ${res.status} from ${req.channel}${detail}`, {
    retryAfterMs: res.status === 429 || res.status === 503 ? retryAfterMs : null,
    retryable: isRetryableStatus(res.status),
  });
}

/** Validate a channel URL at construction, with a message that does not echo it. */
export function parseChannelUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${what} is not a valid URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`${what} must be an http(s) URL`);
  return parsed;
}

/** Path segments long enough to be tokens (Slack: /services/T…/B…/<secret>, Discord: /api/webhooks/<id>/<token>). */
export function tokenSegments(url: URL): string[] {
  return url.pathname.split("/").filter((s) => s.length >= 8);
}
