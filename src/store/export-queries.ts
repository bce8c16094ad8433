// Read side of the journal for the export endpoints (§8 `/api/v1/export/*`).
//
// Rows are read with keyset pagination (`seq > last ORDER BY seq LIMIT n`), each page read to its
// end at once: no SQLite statement stays open while the HTTP layer waits for the socket to drain.
// That matters because the journal's connection is shared with the writer and better-sqlite3
// refuses every other statement on a connection while an iterator is open. Memory stays flat: one
// page per cursor.
//
// The equity curve is recomputed with the rules of §5 — each bot starts at its initial equity,
// a trade adds its pnl, an equity event sets the equity, the peak starts at the initial equity —
// which also gives each trade its effective return (`return` if the bot sent one, else
// pnl / equity before the trade, none when that equity is ≤ 0).
import type Database from "better-sqlite3";
import type { EquityEvent, TradeEvent } from "../domain/events.js";
import { tradeRecord, type TradeRecord } from "../domain/trade-record.js";

const PAGE_ROWS = 500;

interface EventRow {
  seq: number;
  body: string;
}

/** One (type, bot) stream of the journal in seq order, served from the (type, bot, seq) index. */
class JournalCursor {
  private page: EventRow[] = [];
  private pos = 0;
  private lastSeq = 0;
  private exhausted = false;

  constructor(
    private readonly stmt: Database.Statement,
    private readonly type: string,
    private readonly bot: string,
  ) {}

  peek(): EventRow | undefined {
    if (this.pos >= this.page.length && !this.exhausted) this.nextPage();
    return this.page[this.pos];
  }

  take(): EventRow | undefined {
    const row = this.peek();
    if (row) this.pos++;
    return row;
  }

  private nextPage(): void {
    this.page = [];
    this.pos = 0;
    for (const row of this.stmt.iterate(this.type, this.bot, this.lastSeq, PAGE_ROWS) as Iterable<EventRow>) this.page.push(row);
    if (this.page.length < PAGE_ROWS) this.exhausted = true;
    const last = this.page[this.page.length - 1];
    if (last) this.lastSeq = last.seq;
  }
}

export interface EquityStep {
  seq: number;
  event: TradeEvent | EquityEvent;
  equity: number;
  peak: number;
  /** (peak − equity) / peak, ≥ 0. */
  drawdown: number;
  /** Trades only: the effective per-trade return, null when it is undefined. */
  tradeReturn: number | null;
}

const PAGE_SQL = "SELECT seq, body FROM events WHERE type = ? AND bot = ? AND seq > ? ORDER BY seq LIMIT ?";

/** Replays one bot's trades and equity events in journal order, yielding the equity after each. */
export function* replayEquity(db: Database.Database, bot: string, initialEquity: number): Generator<EquityStep> {
  const stmt = db.prepare(PAGE_SQL);
  const trades = new JournalCursor(stmt, "trade", bot);
  const marks = new JournalCursor(stmt, "equity", bot);
  let equity = initialEquity;
  let peak = initialEquity;
  for (;;) {
    const t = trades.peek();
    const m = marks.peek();
    const row = t && (!m || t.seq < m.seq) ? trades.take() : marks.take();
    if (!row) return;
    const event = JSON.parse(row.body) as TradeEvent | EquityEvent;
    let tradeReturn: number | null = null;
    if (event.type === "trade") {
      tradeReturn = event.return ?? (equity > 0 ? event.pnl / equity : null);
      equity += event.pnl;
    } else {
      equity = event.equity;
    }
    peak = Math.max(peak, equity);
    yield { seq: row.seq, event, equity, peak, drawdown: Math.max(0, (peak - equity) / peak), tradeReturn };
  }
}

/**
 * Bot names in the journal, in order, by skip-scan over the (bot, ts) index: one index seek per bot
 * instead of a scan of every event.
 */
export function journalBots(db: Database.Database): string[] {
  const rows = db
    .prepare(
      `WITH RECURSIVE b(bot) AS (
         SELECT MIN(bot) FROM events
         UNION ALL
         SELECT (SELECT MIN(bot) FROM events WHERE bot > b.bot) FROM b WHERE b.bot IS NOT NULL
       ) SELECT bot FROM b WHERE bot IS NOT NULL`,
    )
    .all() as { bot: string }[];
  return rows.map((r) => r.bot);
}

/** An inclusive event-time range in epoch ms; null ends are open. */
export interface TimeRange {
  from: number | null;
  to: number | null;
}

const inRange = (ts: number, r: TimeRange) => (r.from === null || ts >= r.from) && (r.to === null || ts <= r.to);

/**
 * Trades of one bot (or of every bot, grouped by bot name) in journal order, with event time in
 * `range`. Lazily: the caller pulls as fast as its socket drains.
 */
export function* exportTrades(
  db: Database.Database,
  query: { bot: string | null; range: TimeRange },
  initialEquity: (bot: string) => number,
): Generator<TradeRecord> {
  const bots = query.bot === null ? journalBots(db) : [query.bot];
  for (const bot of bots) {
    for (const step of replayEquity(db, bot, initialEquity(bot))) {
      if (step.event.type === "trade" && inRange(step.event.ts, query.range)) yield tradeRecord(step.event, step.tradeReturn);
    }
  }
}

export const TRADE_CSV_COLUMNS = ["ts", "bot", "id", "symbol", "side", "pnl", "return", "opened_at"] as const;

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tradeCsvLine(t: TradeRecord): string {
  return TRADE_CSV_COLUMNS.map((c) => csvField(t[c])).join(",") + "\r\n";
}

export interface EquityPoint {
  seq: number;
  ts: number;
  equity: number;
  drawdown: number;
}

/** The equity curve of one bot, points in `range` only (the replay still starts at the beginning). */
export function* equityCurve(db: Database.Database, bot: string, initialEquity: number, range: TimeRange): Generator<EquityPoint> {
  for (const step of replayEquity(db, bot, initialEquity)) {
    if (inRange(step.event.ts, range)) yield { seq: step.seq, ts: step.event.ts, equity: step.equity, drawdown: step.drawdown };
  }
}

interface Bucket {
  minEquity: EquityPoint;
  maxEquity: EquityPoint;
  maxDrawdown: EquityPoint;
}

/**
 * Min/max decimation of an equity curve of unknown length in O(max_points) memory. Points are
 * grouped in consecutive buckets of `size` points; each bucket keeps its lowest and highest equity
 * and its deepest drawdown (earliest on ties). When there are too many buckets, neighbours merge
 * and `size` doubles — merging keeps the extremes exactly, so the curve's global equity minimum and
 * maximum and its max-drawdown point always survive, as do the first and last points.
 * Output: at most `maxPoints` points, in journal order (all of them when there are few enough).
 */
export class EquityDownsampler {
  private raw: EquityPoint[] | null = [];
  private buckets: Bucket[] = [];
  private size = 1;
  private count = 0;
  private first: EquityPoint | null = null;
  private last: EquityPoint | null = null;
  private readonly maxBuckets: number;

  constructor(private readonly maxPoints: number) {
    if (!Number.isInteger(maxPoints) || maxPoints < 5) throw new RangeError("maxPoints must be an integer ≥ 5");
    // Each bucket contributes up to 3 points, plus the first and last points of the curve.
    this.maxBuckets = Math.floor((maxPoints - 2) / 3);
  }

  get total(): number {
    return this.count;
  }

  add(p: EquityPoint): void {
    this.first ??= p;
    this.last = p;
    const ordinal = this.count++;
    if (this.raw) {
      this.raw.push(p);
      if (this.raw.length <= this.maxPoints) return;
      const raw = this.raw;
      this.raw = null;
      raw.forEach((q, i) => this.addToBucket(q, i));
      return;
    }
    this.addToBucket(p, ordinal);
  }

  points(): EquityPoint[] {
    if (this.raw) return [...this.raw];
    const keep = new Map<number, EquityPoint>();
    for (const p of [this.first, this.last]) if (p) keep.set(p.seq, p);
    for (const b of this.buckets) for (const p of [b.minEquity, b.maxEquity, b.maxDrawdown]) keep.set(p.seq, p);
    return [...keep.values()].sort((a, b) => a.seq - b.seq);
  }

  private addToBucket(p: EquityPoint, ordinal: number): void {
    let index = Math.floor(ordinal / this.size);
    while (index >= this.maxBuckets) {
      this.mergePairs();
      index = Math.floor(ordinal / this.size);
    }
    const b = this.buckets[index];
    if (!b) this.buckets[index] = { minEquity: p, maxEquity: p, maxDrawdown: p };
    else mergeInto(b, { minEquity: p, maxEquity: p, maxDrawdown: p });
  }

  private mergePairs(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i]!;
      const b = this.buckets[i + 1];
      if (b) mergeInto(a, b);
      merged.push(a);
    }
    this.buckets = merged;
    this.size *= 2;
  }
}

/** Folds `later` (points after `into`'s) into `into`; ties keep the earlier point. */
function mergeInto(into: Bucket, later: Bucket): void {
  if (later.minEquity.equity < into.minEquity.equity) into.minEquity = later.minEquity;
  if (later.maxEquity.equity > into.maxEquity.equity) into.maxEquity = later.maxEquity;
  if (later.maxDrawdown.drawdown > into.maxDrawdown.drawdown) into.maxDrawdown = later.maxDrawdown;
}
