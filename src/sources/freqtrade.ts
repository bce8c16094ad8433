// Freqtrade poller (§11): one per configured bot. It reads Freqtrade's REST API with HTTP basic
// auth and turns it into §3 events: closed trades (freqtrade-trades.ts) and state changes
// (freqtrade-state.ts). See docs/sources.md for the mapping.
import { systemClock, type Clock } from "../domain/clock.js";
import type { ApiStatus } from "../domain/snapshots.js";
import { FreqtradeApi, isAuthFailure, openTradeIds, redactUrl, type Fetched, type FtLock, type FtTrade } from "./freqtrade-api.js";
import { stateEvents, type LastReported } from "./freqtrade-state.js";
import { FreqtradeTrades } from "./freqtrade-trades.js";
import { StatusBook } from "./status-book.js";
import { type EventSink, type Source, type SourceLogger, type SourceState, type SourceStatus } from "./types.js";
import { silentLogger } from "../logger.js";

export { UNLIMITED_POSITIONS } from "./freqtrade-state.js";

export interface FreqtradeSourceConfig {
  bot: string;
  /** Base URL of Freqtrade's API server, e.g. http://127.0.0.1:8080 */
  url: string;
  username: string;
  password: string;
  poll_interval_seconds?: number;
}

export interface FreqtradeSourceDeps {
  sink: EventSink;
  state: SourceState;
  clock?: Clock;
  logger?: SourceLogger;
  timeoutMs?: number;
  /** Backoff ceiling while the bot is unreachable. */
  maxBackoffMs?: number;
  failuresBeforeDisconnected?: number;
  degradedLatencyMs?: number;
  pageSize?: number;
}

export interface FreqtradeStatus extends SourceStatus {
  bot: string;
  url: string;
  api_status: ApiStatus | null;
  consecutive_failures: number;
  trades_offset: number;
  trades_ingested: number;
}

export class FreqtradeSource implements Source {
  readonly name: string;
  private readonly api: FreqtradeApi;
  private readonly clock: Clock;
  private readonly log: SourceLogger;
  private readonly intervalMs: number;
  private readonly publicUrl: string;
  private readonly trades: FreqtradeTrades;
  private readonly book = new StatusBook();
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  private stopped = true;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Last values acknowledged by the sink, so state events go out only on change. */
  private last: LastReported = {};
  private failures = 0;

  constructor(
    private readonly cfg: FreqtradeSourceConfig,
    private readonly deps: FreqtradeSourceDeps,
  ) {
    this.name = `freqtrade:${cfg.bot}`;
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger ?? silentLogger;
    this.intervalMs = Math.max(10, (cfg.poll_interval_seconds ?? 15) * 1000);
    this.publicUrl = redactUrl(cfg.url);
    this.api = new FreqtradeApi(cfg.url, cfg.username, cfg.password, deps.timeoutMs ?? 5000);
    this.trades = new FreqtradeTrades({
      bot: cfg.bot,
      url: cfg.url,
      state: deps.state,
      clock: this.clock,
      log: this.log,
      pageSize: deps.pageSize ?? 500,
      get: (path, params) => this.get(path, params),
      ingest: (events) => this.ingest(events),
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.running;
    this.running = null;
  }

  status(): FreqtradeStatus {
    return {
      ...this.book.status,
      bot: this.cfg.bot,
      url: this.publicUrl,
      api_status: this.last.api ?? null,
      consecutive_failures: this.failures,
      trades_offset: this.trades.offset,
      trades_ingested: this.trades.ingested,
    };
  }

  /** Delay before the next poll: the interval, or exponential backoff while failing. */
  nextDelayMs(): number {
    if (this.failures === 0) return this.intervalMs;
    const cap = Math.max(this.deps.maxBackoffMs ?? 300_000, this.intervalMs);
    return Math.min(this.intervalMs * 2 ** Math.min(this.failures - 1, 30), cap);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.pollOnce();
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.nextDelayMs());
      });
    }
  }

  /** One full poll. Never throws: every failure ends up in status() and the log. */
  async pollOnce(): Promise<void> {
    this.book.attempted(this.clock.now());
    try {
      const ping = await this.get<{ status?: string }>("/api/v1/ping");
      if (this.abort.signal.aborted) return; // stop() cancelled the request: not a bot failure
      if (!ping.ok && ping.status !== 401) return await this.unreachable(ping.error);
      const [open, health, config, count, locks] = await Promise.all([
        this.get<FtTrade[]>("/api/v1/status"),
        this.get<{ last_process_ts?: number | null }>("/api/v1/health"),
        this.get<{ state?: string }>("/api/v1/show_config"),
        this.get<{ current?: number; max?: number }>("/api/v1/count"),
        this.get<{ locks?: FtLock[] }>("/api/v1/locks"),
      ]);
      if (this.abort.signal.aborted) return;
      if (isAuthFailure(ping, open, health, config, count, locks)) return await this.authFailed();
      const tradesOk = await this.trades.sync(openTradeIds(open, config, count));
      // Balance after the trades: its total then already includes their P&L.
      const balance = await this.get<{ total?: number }>("/api/v1/balance");
      if (this.abort.signal.aborted) return;
      if (isAuthFailure(balance)) return await this.authFailed();
      const state = config.ok && typeof config.data.state === "string" ? config.data.state : null;
      const running = config.ok ? config.data.state === "running" : true;
      // While Freqtrade is stopped, /count answers 502 by design; an old Freqtrade has no /health.
      const problems = [open, config, balance, locks, ...(running ? [count] : []), ...(health.ok || health.status === 404 ? [] : [health])]
        .filter((r): r is Extract<Fetched<unknown>, { ok: false }> => !r.ok)
        .map((r) => r.error);
      if (!tradesOk.ok) problems.push(tradesOk.error);
      const slow = ping.ok && ping.ms > (this.deps.degradedLatencyMs ?? 1000);
      const { events, next } = stateEvents(
        {
          bot: this.cfg.bot,
          now: this.clock.now(),
          stateTs: health.ok
            ? typeof health.data.last_process_ts === "number"
              ? health.data.last_process_ts * 1000
              : null
            : this.clock.now(),
          equity: balance.ok ? balance.data.total : undefined,
          tradesApplied: tradesOk.applied,
          count: count.ok ? count.data : null,
          state,
          locks: locks.ok && Array.isArray(locks.data.locks) ? locks.data.locks : null,
          api: problems.length > 0 || slow ? "degraded" : "connected",
          latencyMs: ping.ok ? ping.ms : null,
        },
        this.last,
      );
      if (events.length > 0) await this.ingest(events);
      this.last = next;
      this.failures = 0;
      if (problems.length > 0) this.book.failed(problems.join("; "));
      else this.book.succeeded(this.clock.now());
    } catch (err) {
      // A sink failure (storage down, bot cap reached): nothing is marked as sent, the next poll retries.
      this.book.failed(`ingest failed: ${errorText(err)}`);
    }
  }

  private async ingest(events: Record<string, unknown>[]): Promise<{ accepted: number; duplicates: number }> {
    const ack = await this.deps.sink.ingest(events);
    this.book.ingested(ack);
    return ack;
  }

  private async unreachable(error: string): Promise<void> {
    this.failures += 1;
    const threshold = this.deps.failuresBeforeDisconnected ?? 3;
    const api: ApiStatus = this.failures >= threshold ? "disconnected" : "degraded";
    this.book.failed(`freqtrade unreachable: ${error}`);
    if (this.failures === 1 || api !== this.last.api) {
      this.log.warn({ bot: this.cfg.bot, url: this.publicUrl, failures: this.failures, error }, "freqtrade API unreachable");
    }
    await this.reportApi(api);
  }

  private async authFailed(): Promise<void> {
    this.failures += 1;
    this.book.failed(`freqtrade rejected the credentials (HTTP 401) for user "${this.cfg.username}"`);
    this.log.error(
      { bot: this.cfg.bot, url: this.publicUrl, username: this.cfg.username },
      "freqtrade API answered 401: check username/password in sources.freqtrade",
    );
    await this.reportApi("degraded");
  }

  private async reportApi(api: ApiStatus): Promise<void> {
    if (api === this.last.api) return;
    try {
      await this.ingest([{ type: "api_status", bot: this.cfg.bot, status: api, ts: this.clock.now() }]);
      this.last.api = api;
    } catch (err) {
      this.book.failed(`ingest failed: ${errorText(err)}`);
    }
  }

  private get<T>(path: string, params?: Record<string, number>): Promise<Fetched<T>> {
    return this.api.get<T>(path, params, this.abort.signal);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
