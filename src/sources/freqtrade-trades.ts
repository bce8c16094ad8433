// The Freqtrade poller's closed trades (§11): paging `/api/v1/trades` from a resume offset and
// sending the trades the sink has not acknowledged. Trade ids are the idempotency keys (the sink
// dedupes), so the resume offset only saves work; it never decides correctness.
import type { Clock } from "../domain/clock.js";
import { parseEvents } from "../domain/events.js";
import type { Fetched, FtTrade, FtTrades } from "./freqtrade-api.js";
import type { SourceLogger, SourceState } from "./types.js";

interface ResumePosition {
  offset: number;
  total: number;
  url: string;
}

export interface TradeReader {
  bot: string;
  url: string;
  state: SourceState;
  clock: Clock;
  log: SourceLogger;
  pageSize: number;
  get: (path: string, params: Record<string, number>) => Promise<Fetched<FtTrades>>;
  ingest: (events: Record<string, unknown>[]) => Promise<{ accepted: number; duplicates: number }>;
}

export type SyncResult = { ok: true; applied: number } | { ok: false; error: string; applied: number };

export class FreqtradeTrades {
  private resume: ResumePosition;
  /** Trade ids acknowledged by the sink at or after the resume offset, with their list position. */
  private readonly sent = new Map<string, number>();
  private readonly invalidTrades = new Set<string>();
  private readonly stateKey: string;
  /** Closed trades handed to the sink since start. */
  ingested = 0;

  constructor(private readonly r: TradeReader) {
    this.stateKey = `freqtrade:${r.bot}:trades`;
    this.resume = this.loadResume();
  }

  get offset(): number {
    return this.resume.offset;
  }

  /** Pages `/api/v1/trades` from the resume offset; sends closed trades the sink hasn't acknowledged. */
  async sync(openIds: number[] | null): Promise<SyncResult> {
    // Freqtrade lists closed trades by id: a trade still open will later be inserted before every closed
    // trade with a higher id, so the resume offset must stay before the lowest open id (unknown = stay put).
    const lowestOpen = openIds === null ? -Infinity : Math.min(Infinity, ...openIds);
    let start = this.resume.url === this.r.url ? this.resume.offset : 0;
    let offset = start;
    let safe = start;
    let blocked = false;
    let applied = 0;
    for (;;) {
      const page = await this.r.get("/api/v1/trades", { limit: this.r.pageSize, offset });
      if (!page.ok) return { ok: false, error: page.error, applied };
      const { trades, total_trades: total } = page.data ?? ({} as FtTrades);
      if (!Array.isArray(trades) || typeof total !== "number") return { ok: false, error: "unexpected /api/v1/trades response", applied };
      if (offset === start && start > 0 && total < this.resume.total) {
        // Trades were deleted in Freqtrade: offsets shifted back. Re-read from 0; the sink dedupes.
        this.r.log.warn(
          { bot: this.r.bot, total, previous: this.resume.total },
          "freqtrade trade count went down; re-reading trade history",
        );
        this.sent.clear();
        start = offset = safe = 0;
        this.resume = { offset: 0, total, url: this.r.url };
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
        const ack = await this.r.ingest(batch);
        applied += ack.accepted;
        this.ingested += batch.length;
      }
      for (const [id, pos] of ids) this.sent.set(id, pos);
      offset += trades.length;
      this.saveResume({ offset: safe, total, url: this.r.url });
      if (trades.length === 0 || offset >= total) break;
    }
    for (const [id, pos] of this.sent) if (pos < safe) this.sent.delete(id);
    return { ok: true, applied };
  }

  /** A closed Freqtrade trade as a §3 trade; invalid ones are logged once and skipped (never block). */
  private tradeEvent(t: FtTrade): Record<string, unknown> | null {
    const event: Record<string, unknown> = {
      type: "trade",
      bot: this.r.bot,
      id: String(t.trade_id),
      pnl: t.profit_abs,
      ts: t.close_timestamp,
      ...(typeof t.pair === "string" && t.pair.length > 0 ? { symbol: t.pair.slice(0, 64) } : {}),
      side: t.is_short ? "short" : "long",
      ...(typeof t.open_timestamp === "number" ? { opened_at: t.open_timestamp } : {}),
      // No `return`: Freqtrade's profit_ratio is the return on the stake, not on equity (see docs).
    };
    const check = parseEvents(event, this.r.clock.now());
    if (check.ok) return event;
    if (!this.invalidTrades.has(String(t.trade_id))) {
      this.invalidTrades.add(String(t.trade_id));
      this.r.log.warn(
        { bot: this.r.bot, trade_id: t.trade_id, errors: check.errors },
        "skipping a freqtrade trade that is not a valid event",
      );
    }
    return null;
  }

  private loadResume(): ResumePosition {
    try {
      const raw = this.r.state.get(this.stateKey);
      const parsed = raw ? (JSON.parse(raw) as Partial<ResumePosition>) : {};
      if (Number.isInteger(parsed.offset) && Number.isInteger(parsed.total) && typeof parsed.url === "string")
        return parsed as ResumePosition;
    } catch {
      this.r.log.warn({ bot: this.r.bot }, "ignoring an unreadable freqtrade resume position");
    }
    return { offset: 0, total: 0, url: this.r.url };
  }

  private saveResume(position: ResumePosition): void {
    this.resume = position;
    this.r.state.set(this.stateKey, JSON.stringify(position));
  }
}
