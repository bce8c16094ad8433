// Read side of the journal for the trade export (§8 `/api/v1/export/trades`).
//
// A bot's rows of the journal's batches (event-batches.ts) are read with keyset pagination
// (`first_seq > last ORDER BY first_seq`), each page read at once and ended after about
// PAGE_CHARS of JSON: no SQLite statement stays open while the HTTP layer waits for the socket to
// drain. That matters because the journal's connection is shared with the writer and
// better-sqlite3 refuses every other statement on a connection while an iterator is open. Memory
// stays flat: one page per cursor, one batch row parsed at a time.
//
// Each trade's effective return (`return` if the bot sent one, else pnl / equity before the trade,
// none when that equity is ≤ 0, §5) needs the equity before it, so the bot's trade, equity and cash
// flow events are replayed in journal order from where retention left off: `pruned_equity` holds
// each bot's equity after its last removed event, so retention never changes a return.
//
// The queries yield PAUSE every SCAN_ROWS_PER_PAUSE events read, whether or not those events are
// exported (a narrow time range reads the whole history), so the caller can give the event loop
// back (§15: no request holds it).
import type Database from "better-sqlite3";
import type { CashflowEvent, EquityEvent, EventType, TradeEvent } from "../domain/events.js";
import { tradeRecord, type TradeRecord } from "../domain/trade-record.js";
import { decodeBotRow, typeMask } from "./event-batches.js";

/** JSON characters read per page at most (and at least one row): a few hundred KiB. */
const PAGE_CHARS = 256 * 1024;
/** Events read between two PAUSEs: a few milliseconds of parsing. */
export const SCAN_ROWS_PER_PAUSE = 500;
/** Yielded by the queries between rows: time to let other work run. */
export const PAUSE: unique symbol = Symbol("pause");
export type Paced<T> = T | typeof PAUSE;

interface BotRow {
  first_seq: number;
  body: string;
}

/** One bot's batch rows holding any of `types`, in seq order, served from the (bot, first_seq) key. */
class BotBatchCursor {
  private page: BotRow[] = [];
  private pos = 0;
  private lastFirstSeq = 0;
  private exhausted = false;

  constructor(
    private readonly stmt: Database.Statement,
    private readonly bot: string,
    private readonly types: number,
  ) {}

  next(): BotRow | undefined {
    if (this.pos >= this.page.length && !this.exhausted) this.nextPage();
    return this.page[this.pos++];
  }

  private nextPage(): void {
    this.page = [];
    this.pos = 0;
    let chars = 0;
    this.exhausted = true;
    for (const row of this.stmt.iterate(this.bot, this.lastFirstSeq, this.types) as Iterable<BotRow>) {
      if (chars >= PAGE_CHARS) {
        this.exhausted = false;
        break;
      }
      this.page.push(row);
      chars += row.body.length;
    }
    const last = this.page[this.page.length - 1];
    if (last) this.lastFirstSeq = last.first_seq;
  }
}

export type EquityMove = TradeEvent | EquityEvent | CashflowEvent;
/** The event types that move a bot's equity, replayed together. */
export const EQUITY_MOVES = ["trade", "equity", "cashflow"] as const satisfies readonly EventType[];

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

const PAGE_SQL = "SELECT first_seq, body FROM batch_events WHERE bot = ? AND first_seq > ? AND types & ? != 0 ORDER BY first_seq";

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
  const cursor = new BotBatchCursor(db.prepare(PAGE_SQL), bot, typeMask(EQUITY_MOVES));
  let equity = startingEquity(db, bot, initialEquity);
  for (let row = cursor.next(); row !== undefined; row = cursor.next()) {
    for (const [seq, stored] of decodeBotRow(row.body)) {
      if (++scanned.rows % SCAN_ROWS_PER_PAUSE === 0) yield PAUSE;
      if (!isEquityMove(stored.type)) continue;
      const event = stored as EquityMove;
      if (event.type === "trade") {
        yield { seq, trade: event, tradeReturn: event.return ?? (equity > 0 ? event.pnl / equity : null) };
      }
      equity = equityAfter(equity, event);
    }
  }
}

export const isEquityMove = (type: EventType): boolean => (EQUITY_MOVES as readonly EventType[]).includes(type);

/**
 * Inside retention's transaction, before it deletes the equity moves `events` (in seq order):
 * carries each bot's equity past them, as the replay above would have.
 */
export function carryPrunedEquity(db: Database.Database, events: Iterable<EquityMove>, initialEquity: (bot: string) => number): void {
  const equities = new Map<string, number>();
  for (const event of events) {
    const before = equities.get(event.bot) ?? startingEquity(db, event.bot, initialEquity(event.bot));
    equities.set(event.bot, equityAfter(before, event));
  }
  const put = db.prepare("INSERT INTO pruned_equity (bot, equity) VALUES (?, ?) ON CONFLICT (bot) DO UPDATE SET equity = excluded.equity");
  for (const [bot, equity] of equities) put.run(bot, equity);
}

/**
 * Bot names in the journal, in order, by skip-scan over the batch rows' (bot, first_seq) key: one
 * seek per bot instead of a scan of every batch.
 */
export function journalBots(db: Database.Database): string[] {
  const rows = db
    .prepare(
      `WITH RECURSIVE b(bot) AS (
         SELECT MIN(bot) FROM batch_events
         UNION ALL
         SELECT (SELECT MIN(bot) FROM batch_events WHERE bot > b.bot) FROM b WHERE b.bot IS NOT NULL
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
