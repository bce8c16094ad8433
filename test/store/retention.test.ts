// §10, §15: retention never changes a figure. On a hand-moved clock, rounds of ingest → prune →
// restart → ingest (one round's prune empties the events table; restarts are clean stops and
// crashes, two of them finding the newest snapshot corrupt) are compared, after every step, with an exporter fed the same events that never
// pruned and never restarted: the realtime JSON of every bot, groups, health, safety, triggers,
// alerts, the equity curves and every /metrics series but the process's own. Exported trades are
// the reference's, less those pruned, each with the same effective return.
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import type { EventInput } from "../../src/domain/events.js";
import { tempDir } from "../support/exporter.js";
import { exportedTrades, figures, openExporter, seeded, withDatabase, type Running } from "./figures.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 9);
const CONFIG = {
  metrics: { window_trades: 15, daily_window_days: 5, timezone: "Europe/Berlin" },
  bots: { beta: { initial_equity: 5000 } },
  groups: { fleet: ["alpha", "beta"], all: ["alpha", "beta", "gamma"] },
};
const BOTS = ["alpha", "beta", "gamma"];

/** A batch of every event type for every bot, at times just before `now`; ids unique per (round, part). */
function batch(tag: string, now: number, rnd: () => number): EventInput[] {
  const events: EventInput[] = [];
  for (const bot of BOTS) {
    for (let i = 0; i < 30; i++) {
      const ts = now - Math.floor((30 - i) * 60_000 * (1 + rnd()));
      const id = `${tag}-${bot}-${i}`;
      const pick = rnd();
      if (pick < 0.55) {
        const pnl = Math.round((rnd() - 0.47) * 40_000) / 100;
        events.push(rnd() < 0.3 ? { type: "trade", bot, ts, id, pnl, return: pnl / 10_000 } : { type: "trade", bot, ts, id, pnl });
      } else if (pick < 0.65) events.push({ type: "equity", bot, ts, id, equity: 4000 + Math.round(rnd() * 800_000) / 100 });
      else if (pick < 0.72) events.push({ type: "cashflow", bot, ts, id, amount: Math.round((rnd() - 0.4) * 100_000) / 100 });
      else if (pick < 0.78) events.push({ type: "kill_switch", bot, ts, id, active: rnd() < 0.3, reason: "check" });
      else if (pick < 0.84) events.push({ type: "circuit_breaker", bot, ts, id, open: rnd() < 0.3 });
      else if (pick < 0.9) events.push({ type: "positions", bot, ts, id, open: Math.floor(rnd() * 5), max: 5 });
      else if (pick < 0.95)
        events.push({ type: "api_status", bot, ts, id, status: rnd() < 0.8 ? "connected" : "degraded", latency_ms: 40 });
      else events.push({ type: "heartbeat", bot, ts, id });
    }
  }
  return events;
}

const clock = new ManualClock(T0);
const rnd = seeded(20260302);
const referenceDir = tempDir("te-retention-ref-");
const prunedDir = tempDir("te-retention-");
let reference: Running;
let pruned: Running;
const sent: EventInput[][] = [];

afterAll(async () => {
  await reference?.close();
  await pruned?.close().catch(() => {}); // after a failed start it is the crashed one
});

/** Sends the same events to both (in batches as a bot would) and checks both answered alike. */
async function ingestBoth(events: EventInput[]): Promise<void> {
  sent.push(events);
  for (let i = 0; i < events.length; i += 40) {
    const part = events.slice(i, i + 40);
    const a = await reference.exporter.ingest(part);
    const b = await pruned.exporter.ingest(part);
    expect(b).toEqual(a);
  }
}

async function expectSameFigures(when: string): Promise<void> {
  const want = await figures(reference.exporter);
  const got = await figures(pruned.exporter);
  expect(Object.keys(got.bots), when).toEqual(BOTS);
  expect(got, when).toEqual(want);
  // Trades: those retention kept are the newest of the reference's, each exactly as the reference exports it.
  const all = await exportedTrades(reference.exporter);
  const kept = await exportedTrades(pruned.exporter);
  for (const bot of BOTS) {
    const mine = kept[bot] ?? [];
    expect(mine, `${when}: ${bot}`).toEqual(all[bot]!.slice(all[bot]!.length - mine.length));
  }
}

/**
 * Moves time on. Alerting evaluates every few seconds of real time and at start; here both
 * exporters evaluate at once at the new time, as two running exporters would within seconds.
 */
function advance(ms: number): void {
  clock.advance(ms);
  for (const r of [reference, pruned]) r.exporter.alerts.tick();
}

const storedEvents = () => pruned.exporter.journal.db.prepare("SELECT COUNT(*) AS n FROM events").get() as { n: number };

/**
 * Stops the pruned exporter — gracefully (final snapshot), or as a crash would: no final snapshot,
 * nothing flushed — optionally corrupts its newest snapshot, and starts it again on the same files.
 */
async function restartPruned(opts: { crash?: boolean; corruptNewest?: boolean } = {}): Promise<void> {
  if (opts.crash) {
    await pruned.exporter.retention!.stop();
    await pruned.exporter.alerts.stop();
    pruned.exporter.journal.close();
  } else {
    await pruned.close();
  }
  if (opts.corruptNewest) {
    withDatabase(prunedDir, (db) => db.exec("UPDATE engine_snapshots SET data = '{' WHERE id = (SELECT MAX(id) FROM engine_snapshots)"));
  }
  // Snapshots only at start, at a prune and at a stop: the pruner alone must keep the fallback's tail.
  pruned = await openExporter({ ...CONFIG, retention_days: 1 }, prunedDir, clock, 1_000_000);
  await pruned.exporter.retention!.prune(); // the one at start, under way
}

describe("retention over rounds of ingest, prune and restart", { timeout: 120_000 }, () => {
  it("never changes a figure", async () => {
    reference = await openExporter(CONFIG, referenceDir, clock, 70);
    pruned = await openExporter({ ...CONFIG, retention_days: 1 }, prunedDir, clock, 1_000_000);
    let highWater = 0;
    let totalRemoved = 0;

    for (let round = 0; round < 5; round++) {
      const emptyingRound = round === 2;
      // Part A, then (except in the emptying round) part B a day and a half later: the prune two
      // days after A removes A and keeps B.
      await ingestBoth(batch(`r${round}a`, clock.now(), rnd));
      if (round > 0) await ingestBoth(sent[0]!.slice(0, 25)); // re-sent, pruned long ago: still duplicates
      await expectSameFigures(`round ${round}: after part A`);
      if (!emptyingRound) {
        advance(36 * HOUR);
        await ingestBoth(batch(`r${round}b`, clock.now(), rnd));
        advance(13 * HOUR);
      } else {
        advance(49 * HOUR);
      }
      await expectSameFigures(`round ${round}: before the prune`);

      const before = storedEvents().n;
      const outcome = await pruned.exporter.retention!.prune();
      expect(outcome.removed, `round ${round}`).toBeGreaterThan(0);
      totalRemoved += outcome.removed;
      expect(storedEvents().n).toBe(before - outcome.removed);
      if (emptyingRound) expect(storedEvents().n).toBe(0);
      else expect(storedEvents().n).toBeGreaterThan(0);
      await expectSameFigures(`round ${round}: after the prune`);
      // A few events after the prune: the tail a restart replays after its snapshot.
      advance(HOUR);
      if (!emptyingRound) await ingestBoth(batch(`r${round}d`, clock.now(), rnd).slice(0, 20));

      // Sequence numbers go on from the highest ever handed out, also after the table was emptied.
      const last = pruned.exporter.journal.lastSeq();
      expect(last).toBeGreaterThan(highWater);
      highWater = last;
      // Round 3: the newest snapshot corrupt; round 4: a crash, and the newest snapshot corrupt.
      await restartPruned({ crash: round === 1 || round === 4, corruptNewest: round >= 3 });
      expect(pruned.exporter.journal.lastSeq()).toBe(highWater);
      if (round >= 3) expect(pruned.logs.some((l) => /restored from the snapshot before it/.test(l))).toBe(true);
      await expectSameFigures(`round ${round}: after the restart`);

      advance(HOUR);
      await ingestBoth(batch(`r${round}c`, clock.now(), rnd));
      const firstNew = pruned.exporter.journal.db.prepare("SELECT MIN(seq) AS s FROM events WHERE seq > ?").get(highWater) as { s: number };
      expect(firstNew.s).toBe(highWater + 1);
      await expectSameFigures(`round ${round}: after ingesting again`);
      advance(2 * HOUR);
    }
    // A restart with nothing new, twice, and the hourly prune that finds nothing to do.
    await restartPruned();
    await restartPruned();
    expect((await pruned.exporter.retention!.prune()).removed).toBe(0);
    await expectSameFigures("after two idle restarts");
    expect(totalRemoved).toBeGreaterThan(500);
  });
});
