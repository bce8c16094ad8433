// §10, §15: two state snapshots are kept. When the newest cannot be used (unreadable, or of a state
// it cannot rebuild), a start restores the one before it and replays the events after it, with a log
// line saying so; the figures are those of before the stop.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { tempDir } from "../support/exporter.js";
import { figures, openExporter, seeded, withDatabase, type Running } from "./figures.js";

const T0 = Date.UTC(2026, 0, 5, 12);
const CONFIG = { metrics: { window_trades: 10 }, groups: { fleet: ["alpha", "beta"] } };

async function ingestSome(r: Running, clock: ManualClock, from: number, n: number): Promise<void> {
  const rnd = seeded(from);
  for (let i = from; i < from + n; i++) {
    const bot = i % 3 === 0 ? "beta" : "alpha";
    const res = await r.exporter.ingest(
      i % 7 === 0
        ? { type: "equity", bot, ts: clock.now(), equity: 9000 + rnd() * 2000 }
        : { type: "trade", bot, ts: clock.now(), id: `t${i}`, pnl: Math.round((rnd() - 0.45) * 200) / 4 },
    );
    expect(res.accepted).toBe(1);
    clock.advance(60_000);
  }
}

const started: Running[] = [];
afterEach(async () => {
  for (const r of started.splice(0)) await r.close().catch(() => {});
});

async function open(dataDir: string, clock: ManualClock): Promise<Running> {
  const r = await openExporter(CONFIG, dataDir, clock, 25);
  started.push(r);
  return r;
}

const snapshotSeqs = (dataDir: string) =>
  withDatabase(dataDir, (db) =>
    (db.prepare("SELECT seq FROM engine_snapshots ORDER BY id DESC").all() as { seq: number }[]).map((r) => r.seq),
  );

describe("the snapshot before the newest", () => {
  it.each([
    ["unreadable", `UPDATE engine_snapshots SET data = substr(data, 1, 40) WHERE id = (SELECT MAX(id) FROM engine_snapshots)`],
    [
      "of a state it cannot rebuild",
      `UPDATE engine_snapshots SET data = '{"version":4,"fingerprint":"x","bots":[]}' WHERE id = (SELECT MAX(id) FROM engine_snapshots)`,
    ],
  ])("is restored when the newest is %s, and the figures are those before the stop", async (_label, corrupt) => {
    const clock = new ManualClock(T0);
    const dataDir = tempDir("te-fallback-");
    const first = await open(dataDir, clock);
    await ingestSome(first, clock, 1, 60); // snapshots every 25 events: at 50, and 60 at the stop
    const before = await figures(first.exporter);
    await first.close();
    const [newest, previous] = snapshotSeqs(dataDir);
    expect(newest).toBe(60);
    expect(previous).toBe(50);

    withDatabase(dataDir, (db) => db.exec(corrupt));
    const second = await open(dataDir, clock);
    expect(await figures(second.exporter)).toEqual(before);
    const line = second.logs.map((l) => JSON.parse(l)).find((l) => /restored from the snapshot before it/.test(l.msg));
    expect(line).toMatchObject({ level: 40, unusable_seq: 60, snapshot_seq: 50 });
    expect(second.logs.some((l) => /"replayed":10\b/.test(l) && /state restored/.test(l))).toBe(true);

    // And it goes on as if nothing happened: the same further events give the figures of an
    // exporter that never stopped.
    const refClock = new ManualClock(T0);
    const reference = await open(tempDir("te-fallback-ref-"), refClock);
    await ingestSome(reference, refClock, 1, 60);
    await ingestSome(reference, refClock, 61, 10);
    await ingestSome(second, clock, 61, 10);
    expect(await figures(second.exporter)).toEqual(await figures(reference.exporter));
  });

  it("falls back to replaying the whole journal when both are unusable and nothing was pruned", async () => {
    const clock = new ManualClock(T0);
    const dataDir = tempDir("te-fallback-");
    const first = await open(dataDir, clock);
    await ingestSome(first, clock, 1, 60);
    const before = await figures(first.exporter);
    await first.close();
    withDatabase(dataDir, (db) => db.exec("UPDATE engine_snapshots SET data = 'not json'"));
    const second = await open(dataDir, clock);
    expect(await figures(second.exporter)).toEqual(before);
    expect(second.logs.some((l) => /no usable state snapshot; replaying the whole journal/.test(l))).toBe(true);
  });
});
