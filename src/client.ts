// A typed client for the exporter's HTTP API (§4, §8, §11), for Node bots and the CLI `send` verb.
// Writes are signed like §4 with a fresh timestamp per attempt. Only what is safe is retried: network
// errors, 5xx and 429. Event posts are safe because every event carries an idempotency key (§15):
// a trade its own id, any other event an id given here once, before the first attempt; 4xx never is.
import { randomUUID } from "node:crypto";
import type { EventInput, FieldError } from "./domain/events.js";
import { signedHeaders } from "./domain/signature.js";
import type { PerformanceSnapshot } from "./domain/snapshots.js";
import type { ChannelName } from "./notify/channels/index.js";

export interface ClientOptions {
  /** e.g. http://127.0.0.1:10077 (a path prefix behind a reverse proxy is kept and signed). */
  baseUrl: string;
  /** HMAC secret for writes (§4). */
  secret?: string;
  /** Bearer token for reads when `auth.read_token` is set. */
  readToken?: string;
  fetchImpl?: typeof fetch;
  /** Retries after the first attempt. */
  retries?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** Ceiling for a server's Retry-After. */
  maxRetryAfterMs?: number;
  /** Injected for tests: the signing clock and the wait between attempts. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** RFC 9457 problem details as the exporter sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

/** The exporter answered with an error status; `problem` is its problem+json body. */
export class TradingExporterError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} failed with ${status}: ${problem.detail ?? problem.title ?? "error"}`);
    this.name = "TradingExporterError";
  }
}

/** No answer at all (connection refused, reset, timeout) after every attempt. */
export class TradingExporterUnavailableError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`${method} ${path}: no answer after ${attempts} attempt(s): ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "TradingExporterUnavailableError";
  }
}

export type TradeInput = Omit<Extract<EventInput, { type: "trade" }>, "type" | "bot"> & { type?: "trade"; bot?: string };
export type CashflowInput = Omit<Extract<EventInput, { type: "cashflow" }>, "type" | "bot"> & { bot?: string };
export type Ingested = { accepted: number; duplicates: number };
type Jsonified<T> = { [K in keyof T]: K extends `${string}_at` ? string | null : T[K] extends number ? number | null : T[K] };
export type RealtimeSnapshot = Jsonified<PerformanceSnapshot>;
export interface RealtimeResponse {
  generated_at: string;
  bots: RealtimeSnapshot[];
}
export interface HealthResponse {
  generated_at: string;
  level: string;
  bots: { bot: string; level: string; reasons: string[]; stale: boolean; last_event_at: string | null }[];
}
/** A channel of the registry (src/notify/channels/index.ts), or every configured one. */
export type AlertChannel = ChannelName | "all";
export interface TriggerUpdate {
  bot?: string;
  enabled?: boolean;
  threshold?: number;
  min_trades?: number;
  severity?: string;
}
export interface AlertsQuery {
  bot?: string;
  trigger?: string;
  status?: "firing" | "resolved";
  since?: string;
  limit?: number;
}

/** The same id on every attempt: a retry after a lost answer is then a duplicate, not a second event. */
export function withId(event: EventInput): EventInput {
  return event.id !== undefined ? event : { ...event, id: randomUUID() };
}

/** `all`: network errors, 5xx and 429. `rate-limit`: only 429 (the request surely did nothing). */
type RetryPolicy = "all" | "rate-limit";

export class TradingExporterClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly retries: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: ClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.fetchImpl = opts.fetchImpl ?? globalThis.fetch;
    this.retries = Math.max(0, opts.retries ?? 3);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  sendEvents(events: EventInput | EventInput[]): Promise<Ingested> {
    return this.request("POST", "/api/v1/events", { body: Array.isArray(events) ? events.map(withId) : withId(events) });
  }

  sendTrades(trades: TradeInput | TradeInput[]): Promise<Ingested> {
    return this.request("POST", "/api/v1/trades", { body: trades });
  }

  /**
   * A deposit (amount > 0) or withdrawal (< 0): moves equity, not P&L or drawdown (§19). It gets an
   * id once (unless given), so a retry after a lost answer is a duplicate, never a second flow.
   */
  sendCashflow(flow: CashflowInput): Promise<Ingested> {
    return this.sendEvents({ type: "cashflow", bot: flow.bot ?? "default", ...flow, id: flow.id ?? randomUUID() });
  }

  realtime(bot?: string): Promise<RealtimeResponse> {
    return this.request("GET", "/api/v1/metrics/realtime", { query: { bot } });
  }

  health(): Promise<HealthResponse> {
    return this.request("GET", "/api/v1/health/status");
  }

  safety(): Promise<unknown> {
    return this.request("GET", "/api/v1/health/safety");
  }

  /** Not retried on a lost answer: a retry could send the test message twice. */
  async alertsTest(channel: AlertChannel = "all"): Promise<{ channel: string; ok: boolean; error?: string }[]> {
    const reply = await this.request<{ results: { channel: string; ok: boolean; error?: string }[] }>("POST", "/api/v1/alerts/test", {
      body: { channel },
      retry: "rate-limit",
    });
    return reply.results;
  }

  alertsHistory(query: AlertsQuery = {}): Promise<unknown> {
    return this.request("GET", "/api/v1/alerts/history", { query: { ...query, limit: query.limit?.toString() } });
  }

  ackAlert(id: string | number, by?: string): Promise<unknown> {
    return this.request("POST", `/api/v1/alerts/${encodeURIComponent(String(id))}/ack`, { body: by === undefined ? {} : { by } });
  }

  triggers(): Promise<unknown> {
    return this.request("GET", "/api/v1/alerts/triggers");
  }

  setTrigger(trigger: string, update: TriggerUpdate): Promise<unknown> {
    return this.request("PUT", `/api/v1/alerts/triggers/${encodeURIComponent(trigger)}`, { body: update });
  }

  private async request<T>(
    method: string,
    path: string,
    o: { body?: unknown; query?: Record<string, string | undefined>; retry?: RetryPolicy } = {},
  ): Promise<T> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const pathAndQuery = url.pathname + url.search;
    const write = method !== "GET";
    if (write && !this.opts.secret) throw new Error(`${method} ${path} needs the HMAC secret (ClientOptions.secret)`);
    const raw = o.body === undefined ? "" : JSON.stringify(o.body);
    const policy = o.retry ?? "all";
    let lastSecond = -1;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
      if (raw) headers["content-type"] = "application/json";
      if (write) {
        const signed = signedHeaders(this.opts.secret!, method, pathAndQuery, raw, this.now());
        Object.assign(headers, signed);
        lastSecond = Number(signed["X-Timestamp"]);
      } else if (this.opts.readToken) headers.authorization = `Bearer ${this.opts.readToken}`;
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers,
          body: raw || undefined,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        if (policy === "all" && attempt < this.retries) {
          await this.pause(this.backoff(attempt), lastSecond);
          continue;
        }
        throw new TradingExporterUnavailableError(method, path, attempt + 1, err);
      }
      if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
      const problem = await readProblem(res);
      const retryable = res.status === 429 || (policy === "all" && res.status >= 500);
      if (retryable && attempt < this.retries) {
        await this.pause(retryAfterMs(res.headers.get("retry-after"), this.now()) ?? this.backoff(attempt), lastSecond);
        continue;
      }
      throw new TradingExporterError(res.status, problem, method, pathAndQuery);
    }
  }

  /**
   * Waits `ms`, and at least into the next second after the last signed attempt: the signature covers
   * the timestamp in whole seconds, and the server rejects a signature it has already seen (§4 replay).
   */
  private async pause(ms: number, lastSecond: number): Promise<void> {
    const capped = Math.min(ms, this.opts.maxRetryAfterMs ?? 60_000);
    // A few ms past the second: timers may fire a millisecond early by the wall clock.
    const nextSecond = lastSecond >= 0 ? (lastSecond + 1) * 1000 + 5 - this.now() : 0;
    await this.sleep(Math.max(capped, nextSecond, 0));
  }

  private backoff(attempt: number): number {
    return Math.min(250 * 2 ** attempt, 8000) + Math.floor(Math.random() * 100);
  }
}

async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Problem;
  } catch {
    /* not JSON: fall through */
  }
  return { status: res.status, title: res.statusText, detail: text.slice(0, 500) || undefined };
}

/** Retry-After is either delta-seconds or an HTTP date. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
