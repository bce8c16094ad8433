// Freqtrade's webhook as a way in (§18): Freqtrade posts a message the moment something happens;
// this turns it into §3 events through the same pipeline as every other source. A final exit is a
// trade whose id is Freqtrade's trade_id, the id the poller uses too, so poller and webhook together
// count each trade once. Open trades are tracked per trade_id and stored with the events they cause.
import { createHash, timingSafeEqual } from "node:crypto";
import { systemClock, type Clock } from "../domain/clock.js";
import type { FieldError } from "../domain/events.js";
import { Expiries } from "./expiry.js";
import { readFreqtradeMessage, type FreqtradeMessage } from "./freqtrade-webhook-message.js";
import { UNLIMITED_POSITIONS } from "./freqtrade-state.js";
import type { SourceHealth } from "./health.js";
import { storedList } from "./stored-list.js";
import { type DurableSink, type Source, type SourceLogger, type SourceState, type StateWrite } from "./types.js";
import { silentLogger } from "../logger.js";

export const WEBHOOK_SOURCE = "freqtrade_webhook";
export const WEBHOOK_PATH = "/api/v1/sources/freqtrade/webhook";
/** Reasons of trading_source_errors_total for this source (fixed words, bounded labels). */
export const WEBHOOK_ERROR_REASONS = ["unauthorized", "unknown_bot", "malformed", "store_error"] as const;

export interface FreqtradeWebhookBot {
  bot: string;
  token: string;
}

export interface FreqtradeWebhookDeps {
  sink: DurableSink;
  state: SourceState;
  health: SourceHealth;
  /** `health.stale_after_seconds`: how long a warning keeps the API degraded. */
  staleAfterSeconds: number;
  /** The bot's last known max positions (from the poller), so the webhook never overwrites it. */
  knownMaxPositions?: (bot: string) => number | null;
  clock?: Clock;
  logger?: SourceLogger;
}

/** A refused delivery: the HTTP layer answers it with this status and these field errors. */
export class WebhookRejection extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** At most this many open trades are remembered per bot (far above any max_open_trades). */
const MAX_OPEN_TRADES = 10_000;

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

export class FreqtradeWebhookSource implements Source {
  readonly name = WEBHOOK_SOURCE;
  private readonly tokens = new Map<string, Buffer>();
  private readonly clock: Clock;
  private readonly log: SourceLogger;
  private readonly expiries = new Map<string, Expiries>();
  /** Deliveries are handled one at a time per bot, so open-trade sets never race. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    bots: FreqtradeWebhookBot[],
    private readonly deps: FreqtradeWebhookDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger ?? silentLogger;
    deps.health.declareReasons(WEBHOOK_SOURCE, WEBHOOK_ERROR_REASONS);
    for (const { bot, token } of bots) {
      this.tokens.set(bot, digest(token));
      this.expiries.set(bot, new Expiries(`${WEBHOOK_SOURCE}:${bot}:deadlines`, { ...deps, clock: this.clock, logger: this.log }));
      // A push source is up while it can take deliveries; it is the bot that goes stale when quiet.
      deps.health.setUp(WEBHOOK_SOURCE, bot, true);
    }
  }

  start(): void {
    for (const e of this.expiries.values()) e.start();
  }

  async stop(): Promise<void> {
    for (const e of this.expiries.values()) e.stop();
    await Promise.allSettled([...this.queues.values()]);
  }

  /** 404 for an unknown bot, 401 for a missing or wrong token (compared in constant time). */
  authorize(bot: unknown, token: unknown): void {
    const expected = typeof bot === "string" ? this.tokens.get(bot) : undefined;
    // Digests have one length, so the comparison takes the same time whatever was sent.
    const matches = timingSafeEqual(digest(typeof token === "string" ? token : ""), expected ?? digest("\u0000no bot"));
    if (!expected) {
      this.deps.health.error(WEBHOOK_SOURCE, "unknown_bot");
      throw new WebhookRejection(
        404,
        typeof bot === "string"
          ? `no Freqtrade webhook is configured for bot "${bot.slice(0, 64)}" (sources.freqtrade_webhook)`
          : "the bot query parameter is required",
      );
    }
    if (typeof token !== "string" || token === "" || !matches) {
      this.deps.health.error(WEBHOOK_SOURCE, "unauthorized");
      throw new WebhookRejection(401, "the token query parameter is missing or wrong");
    }
  }

  /** One authorized delivery. Resolves once its events are durably stored. */
  receive(bot: string, body: Record<string, unknown>): Promise<{ accepted: number; duplicates: number }> {
    const read = readFreqtradeMessage(body);
    if (!read.ok) {
      this.deps.health.error(WEBHOOK_SOURCE, "malformed");
      // Logged without the query string (the token) and without the body's values.
      this.log.warn({ bot, errors: read.errors }, "freqtrade webhook message refused");
      return Promise.reject(new WebhookRejection(422, describe(read.errors), read.errors));
    }
    const previous = this.queues.get(bot) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.apply(bot, read.message));
    this.queues.set(bot, next);
    return next;
  }

  private async apply(bot: string, message: FreqtradeMessage): Promise<{ accepted: number; duplicates: number }> {
    const now = this.clock.now();
    const events: Record<string, unknown>[] = [];
    const state: StateWrite[] = [];
    const after: Array<() => void> = [];
    const push = (e: Record<string, unknown>) => events.push({ bot, ts: now, ...e });
    const openKey = `${WEBHOOK_SOURCE}:${bot}:open`;
    const open = new Set(this.openTrades(openKey));
    const positions = () => {
      state.push({ key: openKey, value: JSON.stringify([...open]) });
      push({ type: "positions", open: open.size, max: this.deps.knownMaxPositions?.(bot) ?? UNLIMITED_POSITIONS });
    };
    const expiries = this.expiries.get(bot)!;

    switch (message.kind) {
      case "entry_fill":
        // Only the first fill of a trade opens a position (DCA entries and retried posts don't).
        if (!open.has(message.trade_id) && open.size < MAX_OPEN_TRADES) {
          open.add(message.trade_id);
          positions();
        }
        break;
      case "exit_fill":
        if (message.final) {
          push({
            type: "trade",
            id: String(message.trade_id),
            pnl: message.cumulative_profit,
            ...(message.pair ? { symbol: message.pair } : {}),
            ...(message.side ? { side: message.side } : {}),
            ...(message.open_date !== undefined ? { opened_at: message.open_date } : {}),
            ...(message.close_date !== undefined ? { ts: message.close_date } : {}),
          });
          open.delete(message.trade_id);
          positions();
        } else if (!open.has(message.trade_id) && open.size < MAX_OPEN_TRADES) {
          // A partial exit of a trade opened before the webhook was set up: it is open.
          open.add(message.trade_id);
          positions();
        }
        break;
      case "status": {
        const s = message.status.toLowerCase();
        if (s.includes("stopped") || s.includes("process died"))
          push({ type: "kill_switch", active: true, reason: `freqtrade status: ${message.status}`.slice(0, 500) });
        else if (s.includes("running")) push({ type: "kill_switch", active: false });
        break;
      }
      case "protection": {
        if (message.lock_end <= now) break; // already over: nothing to open
        const reason = `${message.global ? "global protection" : `protection on ${message.pair ?? "a pair"}`}: ${message.reason}`.slice(
          0,
          500,
        );
        // Several locks: the breaker stays open until the last one ends.
        const until = Math.max(message.lock_end, expiries.until("circuit_breaker") ?? 0);
        const plan = expiries.plan("circuit_breaker", until, { type: "circuit_breaker", bot, open: false });
        push({ type: "circuit_breaker", open: true, reason });
        state.push(plan.write);
        after.push(plan.commit);
        break;
      }
      case "api_warning": {
        this.log.warn({ bot, type: message.type, message: message.status.slice(0, 500) }, `freqtrade reported a ${message.type}`);
        const plan = expiries.plan("api_status", now + this.deps.staleAfterSeconds * 1000, {
          type: "api_status",
          bot,
          status: "connected",
        });
        push({ type: "api_status", status: "degraded" });
        state.push(plan.write);
        after.push(plan.commit);
        break;
      }
      case "heartbeat":
        break;
    }
    push({ type: "heartbeat" });
    try {
      const ack = await this.deps.sink.ingestWithState(events, state);
      for (const f of after) f();
      this.deps.health.delivered(WEBHOOK_SOURCE, bot, now);
      return ack;
    } catch (err) {
      const status = (err as { status?: number }).status;
      const errors = (err as { errors?: FieldError[] }).errors;
      if (status === 422 && errors) {
        // The message read fine but an event falls outside §15's bounds (e.g. a close_date in the future).
        this.deps.health.error(WEBHOOK_SOURCE, "malformed");
        const fields = errors.map((e) => ({ ...e, path: webhookField(events[e.index], e.path) }));
        throw new WebhookRejection(422, describe(fields), fields);
      }
      this.deps.health.error(WEBHOOK_SOURCE, "store_error");
      throw err;
    }
  }

  private openTrades(key: string): number[] {
    return storedList(this.deps.state, key, (x): x is number => Number.isSafeInteger(x));
  }
}

/** The Freqtrade field an event's field came from, so a 422 names what the user can fix. */
function webhookField(event: Record<string, unknown> | undefined, path: string): string {
  if (event?.type !== "trade") return path;
  return (
    ({ ts: "close_date", opened_at: "open_date", pnl: "cumulative_profit", id: "trade_id", symbol: "pair" } as Record<string, string>)[
      path
    ] ?? path
  );
}

function describe(errors: FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join("; ");
}
