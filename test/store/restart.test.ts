// §10: after a restart every figure equals what it was before the stop — from a snapshot plus
// the journal's tail, or from the journal alone.
import { describe, expect, it } from "vitest";
import { loadGoldenCases } from "../support/golden.js";
import { startHarness, tempDir, type Harness } from "../support/exporter.js";

const golden = loadGoldenCases().find((c) => c.name === "case-02.json")!; // New York time, late trades

/** Everything a restart must preserve: the realtime JSON and every trading_* series but this process's own counters and its storage figures. */
async function observable(h: Harness, exclude?: RegExp): Promise<{ realtime: unknown; metrics: string[] }> {
  const realtime = (await h.get("/api/v1/metrics/realtime")).body;
  const processCounters = /^trading_(events_total|events_rejected_total|duplicate_trades_total|exporter_)/;
  const metrics = (await h.get("/metrics")).text
    .split("\n")
    .filter((l) => l.startsWith("trading_") && !processCounters.test(l) && !exclude?.test(l));
  return { realtime, metrics };
}

async function ingestAll(h: Harness, events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 50) {
    const res = await h.post("/api/v1/events", events.slice(i, i + 50));
    expect(res.status, res.text).toBe(200);
  }
}

const config = { metrics: golden.config.metrics ?? {}, bots: golden.config.bots ?? {} };

describe("restart", () => {
  it.each([
    ["graceful stop (final snapshot)", { graceful: true, snapshotEvery: 10_000 }],
    ["crash with periodic snapshots (snapshot + tail replay)", { graceful: false, snapshotEvery: 37 }],
    ["crash before any snapshot (full replay)", { graceful: false, snapshotEvery: 1_000_000 }],
  ])("gives identical /metrics and realtime JSON after a %s", async (_label, { graceful, snapshotEvery }) => {
    const dataDir = tempDir();
    const first = await startHarness(config, { now: golden.now_ms, dataDir, snapshotEvery });
    await ingestAll(first, golden.events);
    const before = await observable(first);
    expect(before.metrics.length).toBeGreaterThan(50);
    if (graceful) await first.stop(false);
    // A crash: the first instance is simply abandoned (its connection never closed cleanly).

    const second = await startHarness(config, { now: golden.now_ms, dataDir, snapshotEvery });
    try {
      expect(await observable(second)).toEqual(before);
      // And it keeps going: re-sent trades are still duplicates after the restart.
      const trades = golden.events.filter((e) => (e as { type: string }).type === "trade").slice(0, 10);
      expect((await second.post("/api/v1/events", trades)).body).toEqual({ accepted: 0, duplicates: 10 });
    } finally {
      await second.stop();
      if (!graceful) await first.exporter.close().catch(() => {});
    }
  });

  it("a snapshot taken under other metric settings is not used: the journal is replayed instead", async () => {
    const dataDir = tempDir();
    const first = await startHarness(config, { now: golden.now_ms, dataDir, snapshotEvery: 20 });
    await ingestAll(first, golden.events);
    await first.stop(false);
    const changed = { ...config, metrics: { ...config.metrics, window_trades: 5 } };
    const second = await startHarness(changed, { now: golden.now_ms, dataDir });
    const fresh = await startHarness(changed, { now: golden.now_ms });
    try {
      await ingestAll(fresh, golden.events);
      // Alert history is not rebuilt from events (it records what was notified), so leave it out.
      const alertHistory = /^trading_alerts_(total|suppressed_total)\{/;
      expect(await observable(second, alertHistory)).toEqual(await observable(fresh, alertHistory));
    } finally {
      await second.stop();
      await fresh.stop();
    }
  });
});
