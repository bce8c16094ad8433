// The benchmark suite at tiny sizes, so it cannot rot: every bench runs, prints one JSON line and
// its numbers are sane (counts add up, percentiles ordered, nothing failed). Never a timing bound:
// speed targets live in BENCHMARKS.md.
import { describe, expect, it } from "vitest";
import { runBench } from "../../bench/run.js";

const smoke = async (file: string) => (await runBench(file, ["--smoke"])) as Record<string, any>;

function saneLoad(load: any, requests = load.requests): void {
  expect(load.ok).toBeGreaterThan(0);
  expect(load.ok).toBe(requests);
  expect(load.statuses["200"]).toBe(load.ok);
  expect(load.requests_per_second).toBeGreaterThan(0);
  expect(load.latency.count).toBe(load.ok);
  expect(load.latency.p50_ms).toBeGreaterThan(0);
  expect(load.latency.p50_ms).toBeLessThanOrEqual(load.latency.p99_ms);
  expect(load.latency.p99_ms).toBeLessThanOrEqual(load.latency.max_ms);
  expect(load.thirds_rps).toHaveLength(3);
}

describe("benchmark suite (smoke sizes)", { timeout: 120_000 }, () => {
  it("engine: both window sizes, with the naive baseline and V8's default inlining budget, window filled", async () => {
    const r = await smoke("engine.ts");
    expect(r.bench).toBe("engine");
    for (const w of ["100", "10000"]) {
      expect(r.windows[w].events_per_second).toBeGreaterThan(0);
      expect(r.windows[w].naive_events_per_second).toBeGreaterThan(0);
      expect(r.windows[w].naive_events).toBeLessThanOrEqual(r.events);
      expect(r.windows[w].v8_default_inlining_events_per_second).toBeGreaterThan(0);
      expect(r.windows[w].passes.length).toBeGreaterThanOrEqual(r.rounds);
      expect(r.windows[w].v8_default_inlining_passes).toHaveLength(r.windows[w].passes.length);
    }
  });

  it("engine accuracy: below 1e-9 against the exact oracle", async () => {
    const r = await smoke("engine-accuracy.ts");
    expect(r.below_1e9).toBe(true);
    expect(r.checkpoints).toBeGreaterThan(0);
  });

  it("snapshot: both forms restore every bot, and packing the windows makes the text smaller", async () => {
    const r = await smoke("snapshot.ts");
    expect(Object.keys(r.windows)).toEqual(["10", "100"]);
    for (const { packed, baseline } of Object.values<any>(r.windows)) {
      expect(packed.bytes).toBeLessThan(baseline.bytes);
      for (const form of [packed, baseline]) expect(form.restore_ms).toBeGreaterThan(0);
    }
  });

  it("ingest: the exporter and the bare baseline answered every request with 200", async () => {
    const r = await smoke("ingest.ts");
    for (const kind of ["single", "batch"]) {
      saneLoad(r[kind].exporter);
      saneLoad(r[kind].bare);
      expect(r[kind].ratio).toBeCloseTo(r[kind].exporter.requests_per_second / r[kind].bare.requests_per_second, 2);
    }
    // 50 trades per smoke batch (seconds are rounded to the millisecond in the report).
    const expected = (r.batch.exporter.ok * 50) / r.batch.exporter.seconds;
    expect(Math.abs(r.batch.exporter.events_per_second - expected) / expected).toBeLessThan(0.01);
  });

  it("sustained: throughput per third", async () => {
    const r = await smoke("sustained.ts");
    saneLoad(r);
    expect(r.last_vs_first).toBeGreaterThan(0);
  });

  it("scrape: every scrape answered, body holds the seeded bots' series", async () => {
    const r = await smoke("scrape.ts");
    const three = r.bots["3"];
    expect(three.idle.ok).toBe(three.idle.requests);
    expect(three.under_ingest.ok).toBe(three.under_ingest.requests);
    expect(three.under_ingest.ingest_ok).toBeGreaterThan(0);
    expect(three.body_bytes).toBeGreaterThan(1000);
    expect(three.idle.p50_ms).toBeLessThanOrEqual(three.idle.p99_ms);
  });

  it("websocket: every client stayed connected and saw the trades", async () => {
    const r = await smoke("websocket.ts");
    expect(r.still_open).toBe(r.clients);
    expect(r.dropped_by_server).toBe(0);
    expect(r.trades_failed).toBe(0);
    expect(r.ack_to_message.count).toBeGreaterThan(0);
    expect(r.ack_to_message.p50_ms).toBeLessThanOrEqual(r.ack_to_message.p99_ms);
  });

  it("restart: history survives clean and kill -9 restarts with identical figures", async () => {
    const r = await smoke("restart.ts");
    const run = r.runs[0];
    expect(run.events).toBe(5000);
    expect(run.figures_identical).toBe(true);
    expect(run.restart_to_ready_ms).toBeGreaterThan(0);
    expect(run.rss_after_restart_mib).toBeGreaterThan(0);
    expect(run.rss_after_idle_mib).toBeGreaterThan(0);
    expect(run.rss_idle_seconds).toBeGreaterThanOrEqual(1);
    expect(run.batch_ingest.events_per_second).toBeGreaterThan(0);
  });

  it("export loop lag: every trade exported, the empty range empty, a curve per bot, lags measured", async () => {
    const r = await smoke("export-loop-lag.ts");
    expect(r.events).toBe(20_000);
    expect(r.csv_all_trades.rows).toBe(16_000);
    expect(r.empty_range.rows).toBe(19_000);
    expect(r.equity_curves.requests).toBe(100);
    for (const k of ["csv_all_trades", "empty_range", "equity_curves"]) {
      expect(r[k].rows_per_second).toBeGreaterThan(0);
      expect(r[k].p99_ms).toBeLessThanOrEqual(r[k].max_ms);
      expect(r[k].cpu_max_ms).toBeGreaterThanOrEqual(0);
    }
  });

  it("replay guard: both hold every signature of one lifetime and refuse none", async () => {
    const r = await smoke("replay-guard.ts");
    const lifetime = r.requests_per_second * r.lifetime_s;
    // At smoke size both run two lifetimes. The baseline holds exactly one lifetime's signatures;
    // the guard drops whole quarters of it.
    expect(r.guard.requests).toBe(2 * lifetime);
    expect(r.baseline.requests).toBe(2 * lifetime);
    expect(r.baseline.held).toBe(lifetime);
    expect(r.guard.held).toBeGreaterThanOrEqual(lifetime);
    expect(r.guard.most_held).toBeLessThanOrEqual(1.25 * lifetime + r.requests_per_second);
    for (const k of ["guard", "baseline"]) {
      expect(r[k].refused).toBe(0);
      expect(r[k].mib).toBeGreaterThan(0);
      expect(r[k].ns_per_request).toBeGreaterThan(0);
    }
  });

  it("headroom: every variant took every batch and answered every scrape", async () => {
    const r = await smoke("headroom.ts");
    expect(Object.keys(r.variants)).toEqual(["headroom", "default_inlining", "v8_defaults"]);
    expect(r.variants.headroom.node_flags).toEqual([]);
    for (const v of Object.values<any>(r.variants)) {
      expect(v.rounds).toHaveLength(1);
      expect(v.rss_after_load_mib).toBeGreaterThan(0);
      expect(v.load_events_per_second).toBeGreaterThan(0);
      expect(v.rounds[0].scrape_under_ingest.count).toBeGreaterThan(0);
      expect(v.scrape_p50_ms).toBeLessThanOrEqual(v.scrape_p99_ms);
      expect(v.rounds[0].ingest_requests_per_second).toBeGreaterThan(0);
    }
  });

  it("export memory: both exports streamed every row", async () => {
    const r = await smoke("export-memory.ts");
    expect(r.big.rows).toBe(5000);
    expect(r.small.rows).toBe(500);
  });
});
