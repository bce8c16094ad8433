// Read side of the journal for the trade export (§8 `/api/v1/export/trades`).
//
// Rows are read with keyset pagination (`seq > last ORDER BY seq LIMIT n`), each page read to its
// end at once: no SQLite statement stays open while the HTTP layer waits for the socket to drain.
// That matters because the journal's connection is shared with the writer and better-sqlite3
// refuses every other statement on a connection while an iterator is open. Memory stays flat: one
// page per cursor.
//
// Each trade's effective return (`return` if the bot sent one, else pnl / equity before the trade,
// none when that equity is ≤ 0, §5) needs the equity before it, so the bot's trade, equity and cash
// flow events are replayed in journal order from where retention left off: `pruned_equity` holds
// each bot's equity after its last removed event, so retention never changes a return.
//
// The queries yield PAUSE every SCAN_ROWS_PER_PAUSE rows read, whether or not those rows are
// exported (a narrow time range reads the whole history), so the caller can give the event loop
// back (§15: no request holds it).
import type Database from "better-sqlite3";
import type { CashflowEvent, EquityEvent, TradeEvent } from "../domain/events.js";
import { tradeRecord, type TradeRecord } from "../domain/trade-record.js";

const PAGE_ROWS = 500;
/** Rows read between two PAUSEs: a few milliseconds of parsing. */
export const SCAN_ROWS_PER_PAUSE = 500;
/** Yielded by the queries between rows: time to let other work run. */
export const PAUSE: unique symbol = Symbol("pause");
export type Paced<T> = T | typeof PAUSE;

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

type EquityMove = TradeEvent | EquityEvent | CashflowEvent;
/** The event types that move a bot's equity, replayed together. */
export const EQUITY_MOVES = ["trade", "equity", "cashflow"] as const;

/** §5, §19: a trade adds its pnl, an equity event sets the equity, a cash flow adds its amount. */
export function equityAfter(equity: number, event: EquityMove): number {
  if (event.type === "trade") return equity + event.pnl;
  if (event.type === "equity") return event.equity;
  return equity + event.amount;
}

export interface TradeStep {
  seq: number;
  trade: TradeEvent;
  /** The effective per-trade return, null when it is undefined. */
  tradeReturn: number | null;
}

const PAGE_SQL = "SELECT seq, body FROM events WHERE type = ? AND bot = ? AND seq > ? ORDER BY seq LIMIT ?";

/** Where the bot's replay starts: its equity after the events retention removed, else its initial equity. */
function startingEquity(db: Database.Database, bot: string, initialEquity: number): number {
  const row = db.prepare("SELECT equity FROM pruned_equity WHERE bot = ?").get(bot) as { equity: number } | undefined;
  return row?.equity ?? initialEquity;
}

/** Rows read so far by one query, across bots: PAUSE comes every SCAN_ROWS_PER_PAUSE of them. */
export interface ScanCount {
  rows: number;
}

/** Replays one bot's equity moves in journal order, yielding each trade with its effective return. */
export function* replayTrades(
  db: Database.Database,
  bot: string,
  initialEquity: number,
  scanned: ScanCount = { rows: 0 },
): Generator<Paced<TradeStep>> {
  const stmt = db.prepare(PAGE_SQL);
  const cursors = EQUITY_MOVES.map((type) => new JournalCursor(stmt, type, bot));
  let equity = startingEquity(db, bot, initialEquity);
  for (;;) {
    let next: JournalCursor | undefined;
    for (const c of cursors) {
      const row = c.peek();
      if (row && (!next || row.seq < next.peek()!.seq)) next = c;
    }
    const row = next?.take();
    if (!row) return;
    if (++scanned.rows % SCAN_ROWS_PER_PAUSE === 0) yield PAUSE;
    const event = JSON.parse(row.body) as EquityMove;
    if (event.type === "trade") {
      yield { seq: row.seq, trade: event, tradeReturn: event.return ?? (equity > 0 ? event.pnl / equity : null) };
    }
    equity = equityAfter(equity, event);
  }
}

/**
 * Inside retention's transaction, before it deletes `rows` (in seq order): carries each bot's
 * equity past them, as the replay above would have.
 */
export function carryPrunedEquity(
  db: Database.Database,
  rows: Iterable<{ bot: string; body: string }>,
  initialEquity: (bot: string) => number,
): void {
  const equities = new Map<string, number>();
  for (const { bot, body } of rows) {
    const before = equities.get(bot) ?? startingEquity(db, bot, initialEquity(bot));
    equities.set(bot, equityAfter(before, JSON.parse(body) as EquityMove));
  }
  const put = db.prepare("INSERT INTO pruned_equity (bot, equity) VALUES (?, ?) ON CONFLICT (bot) DO UPDATE SET equity = excluded.equity");
  for (const [bot, equity] of equities) put.run(bot, equity);
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

export const inRange = (ts: number, r: TimeRange) => (r.from === null || ts >= r.from) && (r.to === null || ts <= r.to);

/**
 * Trades of one bot (or of every bot, grouped by bot name) in journal order, with event time in
 * `range`, and PAUSE now and then. Lazily: the caller pulls as fast as its socket drains.
 */
export function* exportTrades(
  db: Database.Database,
  query: { bot: string | null; range: TimeRange },
  initialEquity: (bot: string) => number,
): Generator<Paced<TradeRecord>> {
  const bots = query.bot === null ? journalBots(db) : [query.bot];
  const scanned: ScanCount = { rows: 0 };
  for (const bot of bots) {
    for (const step of replayTrades(db, bot, initialEquity(bot), scanned)) {
      if (step === PAUSE) yield PAUSE;
      else if (inRange(step.trade.ts, query.range)) yield tradeRecord(step.trade, step.tradeReturn);
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
