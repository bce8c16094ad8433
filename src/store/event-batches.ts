// How the journal lays events out on disk (§10). A committed batch is one `event_batches` row
// (the run of sequence numbers it holds and when it was received) and one `batch_events` row per
// bot in it, holding that bot's events with their sequence numbers as a JSON array. So a batch of
// 1,000 trades of 10 bots writes 11 rows, not 1,000 rows and 2,000 index entries; the idempotency
// keys stay one per event (event_ids), since a duplicate is found by key.
//
// A bot's rows are keyed (bot, batch) and carry the batch's time span and event types for that
// bot, so an export or a digest reads only the batches that hold its bot, and a replay reads
// every bot's rows of a batch and puts the events back in sequence order.
//
// `events` is a view of one row per event over both tables, with the columns the journal's table
// had, for reading the file with the sqlite3 shell; a row inserted into it is stored as a batch of one.
import { EVENT_TYPES, type EventType, type TradingEvent } from "../domain/events.js";
import type { Db } from "./connection.js";

/** Stored in `batch_events.types`: never renumber one, give a new type the next free bit. */
export const TYPE_BIT: Record<EventType, number> = {
  trade: 1,
  equity: 2,
  kill_switch: 4,
  circuit_breaker: 8,
  positions: 16,
  api_status: 32,
  heartbeat: 64,
  cashflow: 128,
};

export const typeMask = (types: readonly EventType[]): number => types.reduce((mask, t) => mask | TYPE_BIT[t], 0);

/** Events per batch row at most: what one replay or export step parses at once. */
export const BATCH_EVENTS_MAX = 1000;

const typeBitSql = (column: string) => `CASE ${column} ${EVENT_TYPES.map((t) => `WHEN '${t}' THEN ${TYPE_BIT[t]}`).join(" ")} ELSE 0 END`;

export const BATCH_SCHEMA = `
CREATE TABLE IF NOT EXISTS event_batches (
  first_seq INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  bots TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_events (
  bot TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  types INTEGER NOT NULL,
  min_ts INTEGER NOT NULL,
  max_ts INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (bot, first_seq)
) WITHOUT ROWID;
`;

export const EVENTS_VIEW = `
CREATE VIEW IF NOT EXISTS events (seq, bot, type, ts, received_at, body) AS
  SELECT e.value ->> 0, x.bot, e.value -> 1 ->> 'type', e.value -> 1 ->> 'ts', b.received_at, e.value -> 1
  FROM event_batches b CROSS JOIN json_each(b.bots) AS k CROSS JOIN batch_events x CROSS JOIN json_each(x.body) AS e
  WHERE x.bot = k.value AND x.first_seq = b.first_seq;
CREATE TRIGGER IF NOT EXISTS events_insert INSTEAD OF INSERT ON events BEGIN
  INSERT INTO event_batches (first_seq, last_seq, received_at, bots)
    VALUES (NEW.seq, NEW.seq, NEW.received_at, json_array(NEW.bot));
  INSERT INTO batch_events (bot, first_seq, types, min_ts, max_ts, body)
    VALUES (NEW.bot, NEW.seq, ${typeBitSql("NEW.type")}, NEW.ts, NEW.ts, json_array(json_array(NEW.seq, json(NEW.body))));
END;
`;

/** One event to write, with its sequence number. */
export interface BatchEntry {
  seq: number;
  event: TradingEvent;
}

interface BotPart {
  /** `[seq, event]`, the row's JSON once stringified whole. */
  pairs: Array<[number, TradingEvent]>;
  types: number;
  minTs: number;
  maxTs: number;
}

/** Writes batches: `entries` hold consecutive sequence numbers, all received at `receivedAt`. */
export function batchWriter(db: Db): (entries: readonly BatchEntry[], receivedAt: number) => void {
  const insertBatch = db.prepare("INSERT INTO event_batches (first_seq, last_seq, received_at, bots) VALUES (?, ?, ?, ?)");
  const insertBot = db.prepare("INSERT INTO batch_events (bot, first_seq, types, min_ts, max_ts, body) VALUES (?, ?, ?, ?, ?, ?)");
  return (entries, receivedAt) => {
    if (entries.length === 0) return;
    const first = entries[0]!.seq;
    const byBot = new Map<string, BotPart>();
    for (const { seq, event } of entries) {
      const part = byBot.get(event.bot);
      if (part === undefined) {
        byBot.set(event.bot, { pairs: [[seq, event]], types: TYPE_BIT[event.type] ?? 0, minTs: event.ts, maxTs: event.ts });
      } else {
        part.pairs.push([seq, event]);
        part.types |= TYPE_BIT[event.type] ?? 0;
        if (event.ts < part.minTs) part.minTs = event.ts;
        if (event.ts > part.maxTs) part.maxTs = event.ts;
      }
    }
    insertBatch.run(first, entries[entries.length - 1]!.seq, receivedAt, JSON.stringify([...byBot.keys()]));
    // One JSON.stringify per row, not one per event joined afterwards: each event's text would be
    // made, copied into its pair's and copied again into the row's (a fifth of a batch's garbage).
    for (const [bot, p] of byBot) insertBot.run(bot, first, p.types, p.minTs, p.maxTs, JSON.stringify(p.pairs));
  };
}

/** One bot's events of one batch, as stored: `[seq, event]` pairs in sequence order. */
export const decodeBotRow = (body: string) => JSON.parse(body) as Array<[number, TradingEvent]>;

/** Whether the file still has the `events` table of a row per event. */
export const keepsEventRows = (db: Db): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !== undefined;

/**
 * Journals written before batches kept a row per event in an `events` table. Moved here in one
 * transaction at open (a crash leaves the old table as it was): runs of consecutive sequence
 * numbers received together become batches of up to BATCH_EVENTS_MAX events.
 */
export function migrateEventRows(db: Db): void {
  if (!keepsEventRows(db)) return;
  const write = batchWriter(db);
  const page = db.prepare("SELECT seq, received_at, body FROM events WHERE seq > ? ORDER BY seq LIMIT 5000");
  db.transaction(() => {
    let run: BatchEntry[] = [];
    let runReceivedAt = 0;
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = page.all(after) as Array<{ seq: number; received_at: number; body: string }>;
      if (rows.length === 0) break;
      for (const r of rows) {
        const last = run[run.length - 1];
        if (last !== undefined && (r.seq !== last.seq + 1 || r.received_at !== runReceivedAt || run.length >= BATCH_EVENTS_MAX)) {
          write(run, runReceivedAt);
          run = [];
        }
        if (run.length === 0) runReceivedAt = r.received_at;
        // Each body is the JSON.stringify of its event, so parsed and written again it is the same text.
        run.push({ seq: r.seq, event: JSON.parse(r.body) as TradingEvent });
      }
      after = rows[rows.length - 1]!.seq;
    }
    write(run, runReceivedAt);
    db.exec("DROP TABLE events");
  }).immediate();
}
