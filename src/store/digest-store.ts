// Persistence of the digests (§19) in SQLite: per kind the last period sent (so a restart neither
// repeats nor skips one), a record per digest sent with its delivery results, and the read of a
// period's closed trades from the journal. The `digest_*` tables are this file's.
import type Database from "better-sqlite3";
import type { Delivery } from "../domain/alert-record.js";
import type { DigestKind } from "../domain/digest-schedule.js";
import type { PeriodTrades } from "../engine/digest-builder.js";
import { TYPE_BIT } from "./event-batches.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS digest_state (
  kind TEXT PRIMARY KEY,
  period TEXT NOT NULL,
  sent_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS digest_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  test INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  deliveries TEXT NOT NULL DEFAULT '[]'
);
`;

/** Digest records kept: a year of daily ones. */
const RECORDS_KEPT = 400;

export interface DigestRecord {
  id: string;
  kind: DigestKind;
  period: string;
  test: boolean;
  created_at: number;
  deliveries: Delivery[];
}

function statements(db: Database.Database) {
  return {
    lastSent: db.prepare("SELECT period FROM digest_state WHERE kind = ?"),
    putState: db.prepare(
      "INSERT INTO digest_state (kind, period, sent_at) VALUES (?, ?, ?) ON CONFLICT (kind) DO UPDATE SET period = excluded.period, sent_at = excluded.sent_at",
    ),
    insertRecord: db.prepare("INSERT INTO digest_records (id, kind, period, test, created_at) VALUES (?, ?, ?, ?, ?)"),
    prune: db.prepare("DELETE FROM digest_records WHERE seq <= (SELECT seq FROM digest_records ORDER BY seq DESC LIMIT 1 OFFSET ?)"),
    appendDelivery: db.prepare("UPDATE digest_records SET deliveries = json_insert(deliveries, '$[#]', json(?)) WHERE id = ?"),
    records: db.prepare("SELECT id, kind, period, test, created_at, deliveries FROM digest_records ORDER BY seq DESC LIMIT ?"),
    // The bot's batch rows with a trade and a time span meeting the period, then their trades in
    // it; `ts` of a trade is its close time.
    tally: db.prepare(
      `SELECT COUNT(*) AS trades,
              COALESCE(SUM(e.value -> 1 ->> 'pnl' > 0), 0) AS wins,
              COALESCE(SUM(e.value -> 1 ->> 'pnl' < 0), 0) AS losses,
              COALESCE(SUM(e.value -> 1 ->> 'pnl'), 0) AS pnl
       FROM batch_events x CROSS JOIN json_each(x.body) AS e
       WHERE x.bot = @bot AND x.types & ${TYPE_BIT.trade} != 0 AND x.max_ts >= @from AND x.min_ts < @to
         AND e.value -> 1 ->> 'type' = 'trade' AND e.value -> 1 ->> 'ts' >= @from AND e.value -> 1 ->> 'ts' < @to`,
    ),
  };
}

export class DigestStore {
  private stmt: ReturnType<typeof statements>;

  constructor(private db: Database.Database) {
    db.exec(SCHEMA);
    this.stmt = statements(db);
  }

  /** Prepares on the journal's new connection after it reopened the file (§15). */
  rebind(db: Database.Database): void {
    this.db = db;
    this.stmt = statements(db);
  }

  /** The key of the last period whose digest of this kind was sent, or null before the first. */
  lastSent(kind: DigestKind): string | null {
    const row = this.stmt.lastSent.get(kind) as { period: string } | undefined;
    return row?.period ?? null;
  }

  /**
   * Records that the period's digest goes out now (its record and, unless a test, the kind's last
   * period) in one transaction, before it is handed to the channels: after a crash it counts as sent
   * rather than being sent twice.
   */
  recordSent(r: { id: string; kind: DigestKind; period: string; test: boolean; at: number }): void {
    this.db.transaction(() => {
      this.stmt.insertRecord.run(r.id, r.kind, r.period, r.test ? 1 : 0, r.at);
      if (!r.test) this.stmt.putState.run(r.kind, r.period, r.at);
      this.stmt.prune.run(RECORDS_KEPT);
    })();
  }

  /** The schedule starts here: the period counts as done without a digest (the first start with digests on). */
  markPeriod(kind: DigestKind, period: string, at: number): void {
    this.stmt.putState.run(kind, period, at);
  }

  /** Appends a delivery result; false when no digest has that id. */
  appendDelivery(id: string, delivery: Delivery): boolean {
    return this.stmt.appendDelivery.run(JSON.stringify(delivery), id).changes > 0;
  }

  /** Newest first. */
  records(limit = 20): DigestRecord[] {
    const rows = this.stmt.records.all(limit) as Array<Omit<DigestRecord, "test" | "deliveries"> & { test: number; deliveries: string }>;
    return rows.map((r) => ({ ...r, test: r.test === 1, deliveries: JSON.parse(r.deliveries) as Delivery[] }));
  }

  /** Each bot's trades closed in [from, to). */
  periodTrades(bots: Iterable<string>, from: number, to: number): Map<string, PeriodTrades> {
    const out = new Map<string, PeriodTrades>();
    for (const bot of bots) {
      const t = this.stmt.tally.get({ bot, from, to }) as PeriodTrades;
      if (t.trades > 0) out.set(bot, t);
    }
    return out;
  }
}
