// §15: a snapshot that cannot be written is logged, counted and retried later while the journal stays
// the truth; and a stored event the engine throws on is logged, counted and skipped on replay as it
// is live, so one bad row cannot fail every start.
import Database from "better-sqlite3";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { startHarness, tempDir, type Harness } from "../support/exporter.js";

const started: Harness[] = [];
afterEach(async () => {
  for (const h of started.splice(0)) await h.stop(false);
});

async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  started.push(h);
  return h;
}

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger("info", sink), lines };
}

const trades = (from: number, count: number, pnl = 3) =>
  Array.from({ length: count }, (_, i) => ({ type: "trade", bot: "s", id: `t${from + i}`, pnl: i % 2 === 0 ? pnl : -1 }));

const counter = async (h: Harness, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec((await h.get("/metrics")).text)![1]);
const snapshotRows = (h: Harness) =>
  h.exporter.journal.db.prepare("SELECT seq FROM engine_snapshots ORDER BY seq").all() as Array<{ seq: number }>;

describe("snapshot write failures", () => {
  it("are logged without secrets, counted, retried after another snapshotEvery events, and lose nothing", { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const { logger, lines } = capturedLogger();
    const h = await harness({}, { dataDir, snapshotEvery: 5, logger });
    const journal = h.exporter.journal;
    const save = journal.saveSnapshot.bind(journal);
    let refuse = 2;
    journal.saveSnapshot = (...args) => {
      if (refuse-- > 0) throw new Database.SqliteError("disk I/O error", "SQLITE_IOERR_WRITE");
      save(...args);
    };

    // The snapshot after the commit fails: the events are acknowledged and applied all the same.
    expect((await h.post("/api/v1/events", trades(0, 5))).body).toEqual({ accepted: 5, duplicates: 0 });
    expect(await counter(h, "trading_exporter_snapshot_failures_total")).toBe(1);
    expect(snapshotRows(h)).toEqual([]);
    const failure = lines.find((l) => l.msg === "engine snapshot not written; the journal holds every event, retrying later")!;
    expect(failure).toMatchObject({ level: 50, seq: 5, err: { code: "SQLITE_IOERR_WRITE" } });
    expect(JSON.stringify(lines)).not.toContain("test-secret");

    // Not retried at every commit: only after another five events.
    expect((await h.post("/api/v1/events", trades(5, 4))).status).toBe(200);
    expect(await counter(h, "trading_exporter_snapshot_failures_total")).toBe(1);
    expect((await h.post("/api/v1/events", trades(9, 1))).status).toBe(200);
    expect(await counter(h, "trading_exporter_snapshot_failures_total")).toBe(2);
    expect((await h.post("/api/v1/events", trades(10, 5))).status).toBe(200);
    expect(await counter(h, "trading_exporter_snapshot_failures_total")).toBe(2);
    expect(snapshotRows(h)).toEqual([{ seq: 15 }]);
    expect((await h.get("/readyz")).status).toBe(200);

    const before = h.exporter.engine.performance("s");
    expect(before.trades.total).toBe(15);
    await h.stop(false);
    started.splice(started.indexOf(h), 1);
    const again = await harness({}, { dataDir, snapshotEvery: 5 });
    expect(again.exporter.engine.performance("s")).toEqual(before);
  });

  it("at shutdown do not stop the shutdown, and the next start replays the journal", { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const h = await harness({}, { dataDir });
    expect((await h.post("/api/v1/events", trades(0, 7))).status).toBe(200);
    h.exporter.journal.saveSnapshot = () => {
      throw new Database.SqliteError("database or disk is full", "SQLITE_FULL");
    };
    const before = h.exporter.engine.performance("s");
    await h.stop(false);
    started.splice(started.indexOf(h), 1);
    const again = await harness({}, { dataDir });
    expect(again.exporter.engine.performance("s")).toEqual(before);
  });
});

describe("replaying a stored event the engine throws on", () => {
  it("logs, counts and skips it, like the live path, and every other event's figures are exact", { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const first = await harness({}, { dataDir, snapshotEvery: 1_000_000 });
    expect((await first.post("/api/v1/events", trades(0, 2))).status).toBe(200);
    await first.stop(false);
    started.splice(started.indexOf(first), 1);

    // A row no current validation would let in, as an older version or a bug could have stored it.
    const db = new Database(`${dataDir}/trading-exporter.db`);
    const bad = { type: "trade", bot: "s", id: "bad", ts: "not a time", pnl: 1 };
    db.prepare("INSERT INTO events (seq, bot, type, ts, received_at, body) VALUES (3, 's', 'trade', 0, 0, ?)").run(JSON.stringify(bad));
    db.close();

    const { logger, lines } = capturedLogger();
    const h = await harness({}, { dataDir, snapshotEvery: 1_000_000, logger });
    expect(lines.find((l) => l.msg === "engine could not apply a stored event on replay; skipped")).toMatchObject({
      level: 50,
      seq: 3,
      bot: "s",
      type: "trade",
    });
    expect(await counter(h, "trading_exporter_apply_failures_total")).toBe(1);
    expect((await h.get("/readyz")).status).toBe(200);
    // Live ingestion goes on after it.
    expect((await h.post("/api/v1/events", trades(10, 1, 4))).status).toBe(200);
    await h.stop(false);
    started.splice(started.indexOf(h), 1);

    // The figures are those of the good events alone.
    const last = await harness({}, { dataDir, snapshotEvery: 1_000_000 });
    const reference = await harness({}, { snapshotEvery: 1_000_000 });
    expect((await reference.post("/api/v1/events", [...trades(0, 2), ...trades(10, 1, 4)])).status).toBe(200);
    expect(last.exporter.engine.performance("s")).toEqual(reference.exporter.engine.performance("s"));
    expect(last.exporter.engine.safety("s")).toEqual(reference.exporter.engine.safety("s"));
  });
});
