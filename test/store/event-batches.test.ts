// The journal's batch layout on a real SQLite file: a committed batch is one event_batches row and
// one batch_events row per bot. What reads it back (replay, exports, digests, retention) must see
// exactly the events, numbers and order a row per event gave.
import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import { silentLogger } from "../../src/logger.js";
import { DigestStore } from "../../src/store/digest-store.js";
import { PAUSE, exportTrades, journalBots, type TimeRange } from "../../src/store/export-queries.js";
import { Journal } from "../../src/store/journal.js";
import { restoreEngine } from "../../src/store/restore.js";
import { JournalReaders, Retention } from "../../src/store/retention.js";
import { tempDir } from "../support/exporter.js";
import { FIXTURE_SETTINGS } from "../export/journal-fixture.js";

const T0 = Date.UTC(2026, 3, 1, 8);
const DAY = 86_400_000;
const BOTS = ["a", "b", "c"];

/** Batch `k` of `n` events over the three bots: trades, equity marks, cash flows and heartbeats, times interleaved. */
function batch(k: number, n = 12): TradingEvent[] {
  return Array.from({ length: n }, (_, i): TradingEvent => {
    const bot = BOTS[(i * 7 + k) % 3]!;
    const ts = T0 + k * 1000 + i * 10;
    const kind = (i + k) % 6;
    if (kind === 4) return { type: "equity", bot, ts, equity: 9_000 + 37 * k + i };
    if (kind === 5) return i % 2 ? { type: "cashflow", bot, ts, id: `c${k}-${i}`, amount: 50 } : { type: "heartbeat", bot, ts };
    return { type: "trade", bot, ts, id: `t${k}-${i}`, pnl: ((k * 31 + i * 17) % 41) - 20, symbol: "BTC/USDT", side: "long" };
  });
}

function open() {
  const dir = tempDir("te-batches-");
  return { dir, journal: Journal.open(dir) };
}

/** Appends each batch in a transaction of its own, as the pipeline's group commit does. */
function storeBatches(journal: Journal, batches: TradingEvent[][], receivedAt = T0): TradingEvent[] {
  const stored: TradingEvent[] = [];
  for (const events of batches) journal.transaction(() => events.forEach((e) => journal.append(e, receivedAt) !== null && stored.push(e)));
  return stored;
}

const all = (journal: Journal, after = 0) => [...journal.eventsAfter(after)];

/** The trades the export should give: per bot in journal order, equity replayed from the start (§5). */
function expectedTrades(events: TradingEvent[], query: { bot: string | null; range: TimeRange }) {
  const bots = query.bot === null ? [...new Set(events.map((e) => e.bot))].sort() : [query.bot];
  const out: Array<{ bot: string; id: string; return: number | null }> = [];
  for (const bot of bots) {
    let equity = FIXTURE_SETTINGS.initial_equity;
    for (const e of events) {
      if (e.bot !== bot) continue;
      if (e.type === "trade") {
        const inRange = (query.range.from === null || e.ts >= query.range.from) && (query.range.to === null || e.ts <= query.range.to);
        if (inRange) out.push({ bot, id: e.id, return: e.return ?? (equity > 0 ? e.pnl / equity : null) });
        equity += e.pnl;
      } else if (e.type === "equity") equity = e.equity;
      else if (e.type === "cashflow") equity += e.amount;
    }
  }
  return out;
}

function exported(journal: Journal, query: { bot: string | null; range: TimeRange }) {
  const rows: Array<{ bot: string; id: string; return: number | null }> = [];
  for (const r of exportTrades(journal.db, query, () => FIXTURE_SETTINGS.initial_equity)) {
    if (r !== PAUSE) rows.push({ bot: r.bot, id: r.id, return: r.return });
  }
  return rows;
}

describe("the batch layout", () => {
  it("stores a batch of mixed bots as one batch row and one row per bot, and replays it in sequence order", () => {
    const { journal } = open();
    const events = storeBatches(journal, [batch(0), batch(1)]);
    expect(journal.db.prepare("SELECT first_seq, last_seq FROM event_batches ORDER BY first_seq").all()).toEqual([
      { first_seq: 1, last_seq: 12 },
      { first_seq: 13, last_seq: 24 },
    ]);
    expect(journal.db.prepare("SELECT COUNT(*) AS n FROM batch_events").get()).toEqual({ n: 6 });
    // Each bot's row holds only its events; replay puts the three back together.
    const replay = all(journal);
    expect(replay.map((s) => s.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(replay.map((s) => s.event)).toEqual(events);
    // From inside a batch: the rest of it, then the next.
    expect(all(journal, 7).map((s) => s.seq)).toEqual(Array.from({ length: 17 }, (_, i) => i + 8));
    expect(all(journal, 24)).toEqual([]);
    // The events view has a row per event with the old columns.
    const view = journal.db.prepare("SELECT seq, bot, type, ts, body FROM events ORDER BY seq").all() as Array<Record<string, unknown>>;
    expect(view.map((r) => JSON.parse(r.body as string))).toEqual(events);
    expect(view[3]).toMatchObject({ seq: 4, bot: events[3]!.bot, type: events[3]!.type, ts: events[3]!.ts });
    journal.close();
  });

  it("splits a long transaction into batch rows of at most 1,000 events, numbered on without a gap", () => {
    const { journal } = open();
    const many = Array.from({ length: 2500 }, (_, i): TradingEvent => ({
      type: "trade",
      bot: BOTS[i % 3]!,
      ts: T0 + i,
      id: `m${i}`,
      pnl: 1,
    }));
    storeBatches(journal, [many]);
    expect(journal.db.prepare("SELECT first_seq, last_seq FROM event_batches ORDER BY first_seq").all()).toEqual([
      { first_seq: 1, last_seq: 1000 },
      { first_seq: 1001, last_seq: 2000 },
      { first_seq: 2001, last_seq: 2500 },
    ]);
    expect(all(journal).map((s) => (s.event as { id: string }).id)).toEqual(many.map((e) => e.id));
    journal.close();
  });

  it("writes nothing of a transaction that throws, and drops only a failed savepoint's events", () => {
    const { journal } = open();
    storeBatches(journal, [batch(0)]);
    expect(() =>
      journal.transaction(() => {
        for (const e of batch(1)) journal.append(e, T0);
        throw new Error("rejected");
      }),
    ).toThrow("rejected");
    expect(journal.lastSeq()).toBe(12);
    journal.transaction(() => {
      journal.append(batch(2)[0]!, T0);
      expect(() =>
        journal.transaction(() => {
          journal.append(batch(2)[1]!, T0);
          throw new Error("inner");
        }),
      ).toThrow("inner");
      journal.append(batch(2)[2]!, T0);
    });
    expect(all(journal).map((s) => s.seq)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(all(journal, 12).map((s) => s.event)).toEqual([batch(2)[0], batch(2)[2]]);
    // The rolled-back ids were never stored: sent again, they count.
    expect(journal.transaction(() => batch(1).map((e) => journal.append(e, T0))).every((s) => s !== null)).toBe(true);
    journal.close();
  });

  it("writes an append made outside transaction() at once, also inside a transaction of the connection's own", () => {
    const { journal } = open();
    expect(journal.append(batch(0)[0]!, T0)).toBe(1);
    journal.db.transaction(() => journal.append(batch(0)[1]!, T0))();
    expect(all(journal).map((s) => s.event)).toEqual(batch(0).slice(0, 2));
    journal.close();
  });

  it("exports by bot, time range and type across batch boundaries as a row per event did", () => {
    const { journal } = open();
    const events = storeBatches(
      journal,
      Array.from({ length: 9 }, (_, k) => batch(k)),
    );
    // Duplicates inside and across batches are not stored, and change no export.
    // (Equity marks and heartbeats without an id are stored again.)
    events.push(...storeBatches(journal, [[...batch(3).slice(0, 4), ...batch(3).slice(0, 2)]]));
    expect(journalBots(journal.db)).toEqual(BOTS);
    const ranges: TimeRange[] = [
      { from: null, to: null },
      { from: T0 + 2_055, to: T0 + 6_020 }, // starts and ends inside batches
      { from: T0 + 4_000, to: T0 + 4_000 },
      { from: T0 + 100_000, to: null },
    ];
    for (const bot of [null, ...BOTS]) {
      for (const range of ranges)
        expect(exported(journal, { bot, range }), `${bot} ${JSON.stringify(range)}`).toEqual(expectedTrades(events, { bot, range }));
    }
    journal.close();
  });

  it("tallies a digest period's trades from the batches that meet it", () => {
    const { journal } = open();
    const events = storeBatches(
      journal,
      Array.from({ length: 6 }, (_, k) => batch(k)),
    );
    const digests = new DigestStore(journal.db);
    const from = T0 + 1_050;
    const to = T0 + 4_030;
    const tallies = digests.periodTrades(BOTS, from, to);
    for (const bot of BOTS) {
      const trades = events.filter((e) => e.bot === bot && e.type === "trade" && e.ts >= from && e.ts < to) as Array<{ pnl: number }>;
      expect(tallies.get(bot)).toEqual({
        trades: trades.length,
        wins: trades.filter((t) => t.pnl > 0).length,
        losses: trades.filter((t) => t.pnl < 0).length,
        pnl: trades.reduce((s, t) => s + t.pnl, 0),
      });
    }
    journal.close();
  });

  it("prunes whole batches only: a batch reaching past the cut stays, and a restart from inside it has the same figures", () => {
    const { journal } = open();
    const clock = new ManualClock(T0);
    const events = storeBatches(journal, [batch(0), batch(1), batch(2)]);
    const settings = FIXTURE_SETTINGS;
    const atCut = new Engine(settings, clock);
    for (const e of events.slice(0, 18)) atCut.apply(e);
    const fingerprint = Engine.settingsFingerprint(settings);
    journal.saveSnapshot(18, fingerprint, JSON.stringify(atCut.toSnapshot()), T0);
    expect(journal.transaction(() => journal.deleteThrough(18))).toBe(12);
    expect(journal.prunedThrough()).toBe(12);
    expect(all(journal).map((s) => s.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 13));
    // Every id stays a duplicate, those of the removed batch included.
    expect(journal.transaction(() => batch(0).filter((e) => e.id !== undefined && journal.append(e, T0) !== null))).toEqual([]);
    const restored = restoreEngine(journal, settings, clock, silentLogger);
    expect(restored).toMatchObject({ snapshotSeq: 18, replayed: 18, skipped: 0 });
    const reference = new Engine(settings, clock);
    for (const e of events) reference.apply(e);
    expect(restored.engine.toSnapshot()).toEqual(reference.toSnapshot());
    // The cut at the batch's end takes it.
    expect(journal.transaction(() => journal.deleteThrough(24))).toBe(12);
    expect(journal.prunedThrough()).toBe(24);
    journal.close();
  });

  it("lets retention remove whole batches in transactions smaller than a batch, carrying the export's equity past them", async () => {
    const { journal } = open();
    const clock = new ManualClock(T0);
    const old = storeBatches(journal, [batch(0), batch(1), batch(2)], T0);
    const young = storeBatches(journal, [batch(3)], T0 + 2 * DAY);
    const engine = new Engine(FIXTURE_SETTINGS, clock);
    for (const e of [...old, ...young]) engine.apply(e);
    const before = Object.fromEntries(BOTS.map((bot) => [bot, exported(journal, { bot, range: { from: T0 + 3_000, to: null } })]));
    const fingerprint = Engine.settingsFingerprint(FIXTURE_SETTINGS);
    const snapshotNow = () => journal.saveSnapshot(journal.lastSeq(), fingerprint, JSON.stringify(engine.toSnapshot()), clock.now());
    snapshotNow();
    snapshotNow();
    clock.set(T0 + 2 * DAY);
    const retention = new Retention({
      journal,
      clock,
      logger: silentLogger,
      retentionDays: 1,
      settings: FIXTURE_SETTINGS,
      readers: new JournalReaders(),
      batchRows: 5,
      snapshotNow,
    });
    expect(await retention.prune()).toEqual({ removed: 36, prunedThrough: 36 });
    for (const bot of BOTS) expect(exported(journal, { bot, range: { from: T0 + 3_000, to: null } })).toEqual(before[bot]);
    expect(await retention.prune()).toEqual({ removed: 0, prunedThrough: 36 });
    journal.close();
  });
});

/** The journal's layout before batches, as that version created it. */
const ROW_PER_EVENT_SCHEMA = `
CREATE TABLE events (seq INTEGER PRIMARY KEY, bot TEXT NOT NULL, type TEXT NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX events_bot_ts ON events (bot, ts);
CREATE INDEX events_type_bot_seq ON events (type, bot, seq);
CREATE TABLE event_ids (bot TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (bot, type, id)) WITHOUT ROWID;
CREATE TABLE journal_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE engine_snapshots (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, fingerprint TEXT NOT NULL, taken_at INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE pruned_equity (bot TEXT PRIMARY KEY, equity REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE source_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

describe("a journal written a row per event", () => {
  /** Events 3…2,602 (1–2 pruned), received in three runs, written as that version did. */
  function writeOldJournal(dir: string): TradingEvent[] {
    const db = new Database(join(dir, "trading-exporter.db"));
    db.pragma("journal_mode = WAL");
    db.exec(ROW_PER_EVENT_SCHEMA);
    const events = Array.from({ length: 220 }, (_, k) => batch(k))
      .flat()
      .slice(0, 2600);
    const insert = db.prepare("INSERT INTO events (seq, bot, type, ts, received_at, body) VALUES (?, ?, ?, ?, ?, ?)");
    const key = db.prepare("INSERT INTO event_ids (bot, type, id) VALUES (?, ?, ?)");
    db.transaction(() => {
      events.forEach((e, i) => {
        const seq = i + 3;
        insert.run(seq, e.bot, e.type, e.ts, seq <= 1500 ? T0 : seq <= 1510 ? T0 + 1 : T0 + 2, JSON.stringify(e));
        if (e.id !== undefined) key.run(e.bot, e.type, e.id);
      });
      db.prepare("INSERT INTO pruned_equity (bot, equity) VALUES ('a', 10000)").run();
      db.prepare("INSERT INTO journal_meta (key, value) VALUES ('seq_high_water', 2)").run();
    })();
    db.close();
    return events;
  }

  it("opens: moved into batches in one go, same events, numbers, figures and duplicates", () => {
    const dir = tempDir("te-batches-old-");
    const events = writeOldJournal(dir);
    const journal = Journal.open(dir);
    expect(journal.db.prepare("SELECT type FROM sqlite_master WHERE name = 'events'").get()).toEqual({ type: "view" });
    expect(journal.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE 'events_%' AND type = 'index'").get()).toEqual({
      n: 0,
    });
    // Runs received together, at most 1,000 events each.
    expect(journal.db.prepare("SELECT first_seq, last_seq, received_at FROM event_batches ORDER BY first_seq").all()).toEqual([
      { first_seq: 3, last_seq: 1002, received_at: T0 },
      { first_seq: 1003, last_seq: 1500, received_at: T0 },
      { first_seq: 1501, last_seq: 1510, received_at: T0 + 1 },
      { first_seq: 1511, last_seq: 2510, received_at: T0 + 2 },
      { first_seq: 2511, last_seq: 2602, received_at: T0 + 2 },
    ]);
    const replay = all(journal);
    expect(replay.map((s) => s.seq)).toEqual(Array.from({ length: 2600 }, (_, i) => i + 3));
    expect(replay.map((s) => s.event)).toEqual(events);
    expect(journal.lastSeq()).toBe(2602);
    expect(journal.prunedThrough()).toBe(2);
    expect(exported(journal, { bot: "b", range: { from: null, to: null } })).toEqual(
      expectedTrades(events, { bot: "b", range: { from: null, to: null } }),
    );
    // Stored ids stay duplicates; numbering goes on.
    expect(
      journal.transaction(() =>
        journal.append(
          events.find((e) => e.id !== undefined)!,
          T0 + 3,
        ),
      ),
    ).toBeNull();
    expect(journal.transaction(() => journal.append({ type: "trade", bot: "a", ts: T0, id: "new", pnl: 1 }, T0 + 3))).toBe(2603);
    journal.close();
    // A second open finds nothing to move.
    const again = Journal.open(dir);
    expect(all(again).length).toBe(2601);
    again.close();
  });

  it("is left as it was when the move fails half-way", () => {
    const dir = tempDir("te-batches-old-fail-");
    writeOldJournal(dir);
    // A batch row where the move would put one: its insert fails after others went in.
    const db = new Database(join(dir, "trading-exporter.db"));
    db.exec(
      "CREATE TABLE event_batches (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, received_at INTEGER NOT NULL, bots TEXT NOT NULL); INSERT INTO event_batches VALUES (1511, 1511, 0, '[]');",
    );
    db.close();
    expect(() => Journal.open(dir)).toThrow(/UNIQUE/);
    const after = new Database(join(dir, "trading-exporter.db"), { readonly: true });
    expect(after.prepare("SELECT type FROM sqlite_master WHERE name = 'events'").get()).toEqual({ type: "table" });
    expect(after.prepare("SELECT COUNT(*) AS n FROM events").get()).toEqual({ n: 2600 });
    expect(after.prepare("SELECT COUNT(*) AS n FROM event_batches").get()).toEqual({ n: 1 });
    after.close();
  });
});
