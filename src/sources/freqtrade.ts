// Freqtrade poller (§11): one per configured bot. It reads Freqtrade's REST API with HTTP basic
// auth and turns it into §3 events. Trade ids are the idempotency keys (the sink dedupes), so the
// resume offset only saves work; it never decides correctness. See docs/sources.md for the mapping.
import { systemClock, type Clock } from "../domain/clock.js";
import { parseEvents } from "../domain/events.js";
import type { ApiStatus } from "../domain/snapshots.js";
import {
  circuitBreakerOf,
  FreqtradeApi,
  isAuthFailure,
  openTradeIds,
  redactUrl,
  type Fetched,
  type FtLock,
  type FtTrade,
  type FtTrades,
} from "./freqtrade-api.js";
import { type EventSink, type Source, type SourceLogger, type SourceState, type SourceStatus } from "./types.js";
import { silentLogger } from "../logger.js";

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

/** `max_open_trades: -1` (unlimited) has no §3 encoding (`max ≥ 1`): this sentinel keeps utilization ≈ 0. */
export const UNLIMITED_POSITIONS = 2_147_483_647;

interface ResumePosition {
  offset: number;
  total: number;
  url: string;
}

export class FreqtradeSource implements Source {
  readonly name: string;
  private readonly api: FreqtradeApi;
  private readonly clock: Clock;
  private readonly log: SourceLogger;
  private readonly intervalMs: number;
  private readonly stateKey: string;
  private readonly publicUrl: string;
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  private stopped = true;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private resume: ResumePosition;
  /** Trade ids acknowledged by the sink at or after the resume offset, with their list position. */
  private readonly sent = new Map<string, number>();
  private readonly invalidTrades = new Set<string>();
  /** Last values acknowledged by the sink, so state events go out only on change. */
  private last: { heartbeat?: number; equity?: number; positions?: string; kill?: string; breaker?: string; api?: ApiStatus } = {};
  private failures = 0;
  private st = {
    ok: true,
    last_error: null as string | null,
    last_poll_at: null as number | null,
    last_success_at: null as number | null,
    errors_total: 0,
    events_ingested: 0,
    trades_ingested: 0,
  };

  constructor(
    private readonly cfg: FreqtradeSourceConfig,
    private readonly deps: FreqtradeSourceDeps,
  ) {
    this.name = `freqtrade:${cfg.bot}`;
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger ?? silentLogger;
    this.intervalMs = Math.max(10, (cfg.poll_interval_seconds ?? 15) * 1000);
    this.stateKey = `freqtrade:${cfg.bot}:trades`;
    this.publicUrl = redactUrl(cfg.url);
    this.api = new FreqtradeApi(cfg.url, cfg.username, cfg.password, deps.timeoutMs ?? 5000);
    this.resume = this.loadResume();
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
    const { trades_ingested, ...rest } = this.st;
    return {
      ...rest,
      bot: this.cfg.bot,
      url: this.publicUrl,
      api_status: this.last.api ?? null,
      consecutive_failures: this.failures,
      trades_offset: this.resume.offset,
      trades_ingested,
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
    this.st.last_poll_at = this.clock.now();
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
      const tradesOk = await this.syncTrades(openTradeIds(open, config, count));
      // Balance after the trades: its total then already includes their P&L.
      const balance = await this.get<{ total?: number }>("/api/v1/balance");
      if (this.abort.signal.aborted) return;
      if (isAuthFailure(balance)) return await this.authFailed();
      const running = config.ok ? config.data.state === "running" : true;
      // While Freqtrade is stopped, /count answers 502 by design; an old Freqtrade has no /health.
      const problems = [open, config, balance, locks, ...(running ? [count] : []), ...(health.ok || health.status === 404 ? [] : [health])]
        .filter((r): r is Extract<Fetched<unknown>, { ok: false }> => !r.ok)
        .map((r) => r.error);
      if (!tradesOk.ok) problems.push(tradesOk.error);
      const slow = ping.ok && ping.ms > (this.deps.degradedLatencyMs ?? 1000);
      const api: ApiStatus = problems.length > 0 || slow ? "degraded" : "connected";
      const stateTs = health.ok
        ? typeof health.data.last_process_ts === "number"
          ? health.data.last_process_ts * 1000
          : null
        : this.clock.now();
      const next = { ...this.last };
      const events: Record<string, unknown>[] = [];
      const now = this.clock.now();
      const push = (e: Record<string, unknown>) => events.push({ bot: this.cfg.bot, ...e });
      if (stateTs !== null && stateTs !== this.last.heartbeat) push({ type: "heartbeat", ts: (next.heartbeat = stateTs) });
      const total = balance.ok ? balance.data.total : undefined;
      if (typeof total === "number" && total > 0 && (total !== this.last.equity || tradesOk.applied > 0)) {
        push({ type: "equity", equity: (next.equity = total), ts: stateTs ?? now });
      }
      if (count.ok && Number.isInteger(count.data.current) && typeof count.data.max === "number") {
        const max = count.data.max < 0 || !Number.isFinite(count.data.max) ? UNLIMITED_POSITIONS : Math.max(1, Math.floor(count.data.max));
        const positions = { open: Math.max(0, count.data.current as number), max };
        if (JSON.stringify(positions) !== this.last.positions) {
          push({ type: "positions", ...positions, ts: stateTs ?? now });
          next.positions = JSON.stringify(positions);
        }
      }
      if (config.ok && typeof config.data.state === "string") {
        const kill = running ? { active: false } : { active: true, reason: `freqtrade state: ${config.data.state}`.slice(0, 500) };
        if (JSON.stringify(kill) !== this.last.kill) {
          push({ type: "kill_switch", ...kill, ts: now });
          next.kill = JSON.stringify(kill);
        }
      }
      if (locks.ok && Array.isArray(locks.data.locks)) {
        const breaker = circuitBreakerOf(locks.data.locks, now);
        if (JSON.stringify(breaker) !== this.last.breaker) {
          push({ type: "circuit_breaker", ...breaker, ts: now });
          next.breaker = JSON.stringify(breaker);
        }
      }
      if (api !== this.last.api)
        push({ type: "api_status", status: (next.api = api), ...(ping.ok ? { latency_ms: Math.round(ping.ms) } : {}), ts: now });
      if (events.length > 0) await this.ingest(events);
      this.last = next;
      this.failures = 0;
      if (problems.length > 0) this.fail(problems.join("; "));
      else Object.assign(this.st, { ok: true, last_error: null, last_success_at: this.clock.now() });
    } catch (err) {
      // A sink failure (storage down, bot cap reached): nothing is marked as sent, the next poll retries.
      this.fail(`ingest failed: ${errorText(err)}`);
    }
  }

  /** Pages `/api/v1/trades` from the resume offset; sends closed trades the sink hasn't acknowledged. */
  private async syncTrades(
    openIds: number[] | null,
  ): Promise<{ ok: true; applied: number } | { ok: false; error: string; applied: number }> {
    const pageSize = this.deps.pageSize ?? 500;
    // Freqtrade lists closed trades by id: a trade still open will later be inserted before every closed
    // trade with a higher id, so the resume offset must stay before the lowest open id (unknown = stay put).
    const lowestOpen = openIds === null ? -Infinity : Math.min(Infinity, ...openIds);
    let start = this.resume.url === this.cfg.url ? this.resume.offset : 0;
    let offset = start;
    let safe = start;
    let blocked = false;
    let applied = 0;
    for (;;) {
      const page = await this.get<FtTrades>("/api/v1/trades", { limit: pageSize, offset });
      if (!page.ok) return { ok: false, error: page.error, applied };
      const { trades, total_trades: total } = page.data ?? ({} as FtTrades);
      if (!Array.isArray(trades) || typeof total !== "number") return { ok: false, error: "unexpected /api/v1/trades response", applied };
      if (offset === start && start > 0 && total < this.resume.total) {
        // Trades were deleted in Freqtrade: offsets shifted back. Re-read from 0; the sink dedupes.
        this.log.warn(
          { bot: this.cfg.bot, total, previous: this.resume.total },
          "freqtrade trade count went down; re-reading trade history",
        );
        this.sent.clear();
        start = offset = safe = 0;
        this.resume = { offset: 0, total, url: this.cfg.url };
        continue;
      }
      const batch: Record<string, unknown>[] = [];
      const ids: [string, number][] = [];
      trades.forEach((t, i) => {
        const closed = t.is_open === false;
        if (!blocked && closed && t.trade_id < lowestOpen) safe = offset + i + 1;
        else blocked = true;
        const id = String(t.trade_id);
        if (!closed) return;
        if (this.sent.has(id)) return void this.sent.set(id, offset + i);
        const event = this.tradeEvent(t);
        if (event) {
          batch.push(event);
          ids.push([id, offset + i]);
        }
      });
      if (batch.length > 0) {
        const ack = await this.ingest(batch);
        applied += ack.accepted;
        this.st.trades_ingested += batch.length;
      }
      for (const [id, pos] of ids) this.sent.set(id, pos);
      offset += trades.length;
      this.saveResume({ offset: safe, total, url: this.cfg.url });
      if (trades.length === 0 || offset >= total) break;
    }
    for (const [id, pos] of this.sent) if (pos < safe) this.sent.delete(id);
    return { ok: true, applied };
  }

  /** A closed Freqtrade trade as a §3 trade; invalid ones are logged once and skipped (never block). */
  private tradeEvent(t: FtTrade): Record<string, unknown> | null {
    const event: Record<string, unknown> = {
      type: "trade",
      bot: this.cfg.bot,
      id: String(t.trade_id),
      pnl: t.profit_abs,
      ts: t.close_timestamp,
      ...(typeof t.pair === "string" && t.pair.length > 0 ? { symbol: t.pair.slice(0, 64) } : {}),
      side: t.is_short ? "short" : "long",
      ...(typeof t.open_timestamp === "number" ? { opened_at: t.open_timestamp } : {}),
      // No `return`: Freqtrade's profit_ratio is the return on the stake, not on equity (see docs).
    };
    const check = parseEvents(event, this.clock.now());
    if (check.ok) return event;
    if (!this.invalidTrades.has(String(t.trade_id))) {
      this.invalidTrades.add(String(t.trade_id));
      this.log.warn(
        { bot: this.cfg.bot, trade_id: t.trade_id, errors: check.errors },
        "skipping a freqtrade trade that is not a valid event",
      );
    }
    return null;
  }

  private async ingest(events: Record<string, unknown>[]): Promise<{ accepted: number; duplicates: number }> {
    const ack = await this.deps.sink.ingest(events);
    this.st.events_ingested += ack.accepted + ack.duplicates;
    return ack;
  }

  private async unreachable(error: string): Promise<void> {
    this.failures += 1;
    const threshold = this.deps.failuresBeforeDisconnected ?? 3;
    const api: ApiStatus = this.failures >= threshold ? "disconnected" : "degraded";
    this.fail(`freqtrade unreachable: ${error}`);
    if (this.failures === 1 || api !== this.last.api) {
      this.log.warn({ bot: this.cfg.bot, url: this.publicUrl, failures: this.failures, error }, "freqtrade API unreachable");
    }
    await this.reportApi(api);
  }

  private async authFailed(): Promise<void> {
    this.failures += 1;
    this.fail(`freqtrade rejected the credentials (HTTP 401) for user "${this.cfg.username}"`);
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
      this.fail(`ingest failed: ${errorText(err)}`);
    }
  }

  private fail(message: string): void {
    Object.assign(this.st, { ok: false, last_error: message, errors_total: this.st.errors_total + 1 });
  }

  private get<T>(path: string, params?: Record<string, number>): Promise<Fetched<T>> {
    return this.api.get<T>(path, params, this.abort.signal);
  }

  private loadResume(): ResumePosition {
    try {
      const raw = this.deps.state.get(this.stateKey);
      const parsed = raw ? (JSON.parse(raw) as Partial<ResumePosition>) : {};
      if (Number.isInteger(parsed.offset) && Number.isInteger(parsed.total) && typeof parsed.url === "string")
        return parsed as ResumePosition;
    } catch {
      this.log.warn({ bot: this.cfg.bot }, "ignoring an unreadable freqtrade resume position");
    }
    return { offset: 0, total: 0, url: this.cfg.url };
  }

  private saveResume(position: ResumePosition): void {
    this.resume = position;
    this.deps.state.set(this.stateKey, JSON.stringify(position));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
