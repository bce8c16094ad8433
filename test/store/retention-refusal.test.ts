// §15: where a restart would need events retention already removed — the settings that shape the
// state changed, or no snapshot is left — the exporter refuses to start, naming the changed
// configuration key, instead of computing other figures. A setting that only scales figures at
// query time is no such change.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { RestoreRefusedError } from "../../src/store/restore.js";
import { tempDir } from "../support/exporter.js";
import { figures, openExporter, withDatabase } from "./figures.js";

const T0 = Date.UTC(2026, 0, 5, 12);
const DAY = 86_400_000;
const BASE = {
  retention_days: 1,
  metrics: { window_trades: 10, timezone: "UTC" },
  bots: { alpha: { initial_equity: 5000 } },
  groups: { fleet: ["alpha", "beta"] },
};

/** An exporter whose journal lost its first events to retention; returns its data directory. */
async function prunedDataDir(clock: ManualClock): Promise<string> {
  const dataDir = tempDir("te-refusal-");
  const first = await openExporter(BASE, dataDir, clock);
  for (const bot of ["alpha", "beta"]) {
    await first.exporter.ingest([
      { type: "trade", bot, ts: clock.now() - 2000, id: `${bot}-1`, pnl: 25 },
      { type: "trade", bot, ts: clock.now() - 1000, id: `${bot}-2`, pnl: -10 },
    ]);
  }
  clock.advance(2 * DAY);
  expect((await first.exporter.retention!.prune()).removed).toBe(4);
  await first.close();
  return dataDir;
}

describe("a start that would need pruned events", () => {
  it.each([
    ["metrics.window_trades", { metrics: { ...BASE.metrics, window_trades: 50 } }, "metrics.window_trades (10 → 50)"],
    ["metrics.timezone", { metrics: { ...BASE.metrics, timezone: "Europe/Berlin" } }, 'metrics.timezone ("UTC" → "Europe/Berlin")'],
    ["metrics.initial_equity", { metrics: { ...BASE.metrics, initial_equity: 20_000 } }, "metrics.initial_equity (10000 → 20000)"],
    ["bots.alpha.initial_equity", { bots: { alpha: { initial_equity: 6000 } } }, "bots.alpha.initial_equity (5000 → 6000)"],
    ["groups.fleet", { groups: { fleet: ["alpha"] } }, 'groups.fleet (["alpha","beta"] → ["alpha"])'],
  ])("is refused when %s changed, naming it", async (key, change, named) => {
    const clock = new ManualClock(T0);
    const dataDir = await prunedDataDir(clock);
    const attempt = openExporter({ ...BASE, ...change }, dataDir, clock);
    await expect(attempt).rejects.toBeInstanceOf(RestoreRefusedError);
    const err = (await attempt.catch((e: unknown) => e)) as RestoreRefusedError;
    expect(err.changedSettings).toEqual([key]);
    expect(err.message).toContain(named);
    expect(err.message).toContain("retention (retention_days) already removed events #1–#4");
    expect(err.message).toContain(`set ${key} back`);
    // Nothing was written by the refused start: the old settings still start, with the old figures.
    const again = await openExporter(BASE, dataDir, clock);
    try {
      expect(again.exporter.engine.performance("alpha").total_pnl).toBe(15);
    } finally {
      await again.close();
    }
  });

  it("is not refused for a setting that only scales figures at query time (annualization)", async () => {
    const clock = new ManualClock(T0);
    const dataDir = await prunedDataDir(clock);
    const changed = { ...BASE, metrics: { ...BASE.metrics, annualization_factor: 252 } };
    const restarted = await openExporter(changed, dataDir, clock);
    const fresh = await openExporter(changed, tempDir("te-refusal-fresh-"), clock);
    try {
      for (const bot of ["alpha", "beta"]) {
        await fresh.exporter.ingest([
          { type: "trade", bot, ts: T0 - 2000, id: `${bot}-1`, pnl: 25 },
          { type: "trade", bot, ts: T0 - 1000, id: `${bot}-2`, pnl: -10 },
        ]);
      }
      const a = await figures(restarted.exporter);
      const b = await figures(fresh.exporter);
      expect(a.realtime).toEqual(b.realtime);
      expect(a.groups).toEqual(b.groups);
    } finally {
      await restarted.close();
      await fresh.close();
    }
  });

  it("is refused when no snapshot is left to rebuild the pruned history from", async () => {
    const clock = new ManualClock(T0);
    const dataDir = await prunedDataDir(clock);
    withDatabase(dataDir, (db) => db.exec("DELETE FROM engine_snapshots"));
    const attempt = openExporter(BASE, dataDir, clock);
    await expect(attempt).rejects.toThrow(
      /retention \(retention_days\) already removed events #1–#4 and no stored state snapshot covers them/,
    );
    expect(((await attempt.catch((e: unknown) => e)) as RestoreRefusedError).changedSettings).toEqual([]);
  });

  it("is refused when every snapshot left is unreadable, saying why", async () => {
    const clock = new ManualClock(T0);
    const dataDir = await prunedDataDir(clock);
    withDatabase(dataDir, (db) => db.exec('UPDATE engine_snapshots SET data = \'{"version": 4, "trunc\''));
    await expect(openExporter(BASE, dataDir, clock)).rejects.toThrow(/no stored state snapshot is usable \(#\d+: .*JSON/);
  });

  it("is refused when the snapshots are of another state format, naming it", async () => {
    const clock = new ManualClock(T0);
    const dataDir = await prunedDataDir(clock);
    withDatabase(dataDir, (db) => db.exec(`UPDATE engine_snapshots SET fingerprint = replace(fingerprint, '{"v":4,', '{"v":3,')`));
    const attempt = openExporter(BASE, dataDir, clock);
    await expect(attempt).rejects.toThrow(/state format \(version 3 → version 4\).*run the previous version of trading-exporter/);
  });
});
