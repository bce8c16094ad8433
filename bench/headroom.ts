// What the V8 settings `serve` makes at start (its memory headroom, src/memory-headroom.ts, and its
// inlining budget, src/jit-inlining.ts) cost and save: `node dist/cli.js serve` as it starts,
// against the same with V8's defaults given back on node's command line (all of them, and the
// inlining budget alone), alternating round after round in the same run. Each round and variant starts on a
// fresh data directory, takes 10⁶ events of 100 bots as durable 1,000-event batches (4 connections)
// and gives its RSS right after; then /metrics of those 100 bots is scraped every 100 ms for 20 s
// while signed single trades arrive on 10 connections (both from other processes).
// Run: npx tsx bench/headroom.ts [rounds] [--smoke]
import { rmSync } from "node:fs";
import { V8_DEFAULT_INLINING_BUDGET_FLAG } from "../src/jit-inlining.js";
import { BENCH_SECRET, benchDataDir } from "./support/exporter.js";
import { runLoad } from "./support/load-generator.js";
import { benchFlags, emit, median, progress } from "./support/result.js";
import { scrapeUnderIngest } from "./support/scrape-under-ingest.js";
import { ensureBuilt, startServe } from "./support/serve-process.js";

const { smoke, args } = benchFlags();
const rounds = Number(args[0] ?? (smoke ? 1 : 3));
const events = smoke ? 2_000 : 1_000_000;
const batchSize = smoke ? 500 : 1000;
const scrapeMs = smoke ? 500 : 20_000;
const BOTS = 100;
/** `serve` leaves a flag its command line sets alone; these are V8's own defaults. */
const VARIANTS: Record<string, string[]> = {
  headroom: [],
  default_inlining: [V8_DEFAULT_INLINING_BUDGET_FLAG],
  v8_defaults: ["--heap-growing-percent=0", "--semi-space-growth-factor=2", V8_DEFAULT_INLINING_BUDGET_FLAG],
};
if (!smoke) ensureBuilt();

interface Round {
  rss_after_load_mib: number;
  young_generation_mib: number;
  load_events_per_second: number;
  scrape_under_ingest: { count: number; p50_ms: number; p99_ms: number; max_ms: number };
  ingest_requests_per_second: number;
}

/** The young generation's size as the exporter's own /metrics gives it (prom-client's default metrics). */
async function youngGenerationMiB(url: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const line = body.split("\n").find((l) => l.startsWith('nodejs_heap_space_size_total_bytes{space="new"}'));
  if (line === undefined) throw new Error("/metrics has no nodejs_heap_space_size_total_bytes for the young generation");
  return Number(line.split(" ").at(-1)) / 2 ** 20;
}

async function round(nodeFlags: string[]): Promise<Round> {
  const dataDir = benchDataDir();
  const serve = await startServe({ dataDir, secret: BENCH_SECRET, maxBots: BOTS, fromSources: smoke, nodeFlags });
  try {
    const load = await runLoad({
      url: serve.url,
      kind: "batch",
      path: "/api/v1/events",
      connections: 4,
      batchSize,
      bots: BOTS,
      requests: events / batchSize,
      secret: BENCH_SECRET,
    });
    if (load.ok !== events / batchSize) throw new Error(`load failed: ${load.first_error}`);
    const rss = serve.rssMiB();
    const young = await youngGenerationMiB(serve.url);
    const { scrapes, ingest } = await scrapeUnderIngest(serve.url, scrapeMs, BOTS);
    if (scrapes.ok !== scrapes.requests) throw new Error(`a scrape failed: ${scrapes.first_error}`);
    return {
      rss_after_load_mib: rss,
      young_generation_mib: young,
      load_events_per_second: load.events_per_second,
      scrape_under_ingest: scrapes.latency,
      ingest_requests_per_second: ingest.requests_per_second,
    };
  } finally {
    await serve.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const runs: Record<string, Round[]> = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
for (let i = 0; i < rounds; i++) {
  for (const [name, flags] of Object.entries(VARIANTS)) {
    const r = await round(flags);
    runs[name]!.push(r);
    progress(
      `round ${i + 1} ${name}: RSS ${r.rss_after_load_mib} MiB (young generation ${r.young_generation_mib} MiB) after ${events.toLocaleString("en-US")} events at ${r.load_events_per_second} events/s; ` +
        `/metrics under ingest p50 ${r.scrape_under_ingest.p50_ms} ms, p99 ${r.scrape_under_ingest.p99_ms} ms (${r.ingest_requests_per_second} req/s)`,
    );
  }
}

const variants = Object.fromEntries(
  Object.entries(runs).map(([name, rs]) => [
    name,
    {
      node_flags: VARIANTS[name],
      rss_after_load_mib: median(rs.map((r) => r.rss_after_load_mib)),
      load_events_per_second: median(rs.map((r) => r.load_events_per_second)),
      scrape_p50_ms: median(rs.map((r) => r.scrape_under_ingest.p50_ms)),
      scrape_p99_ms: median(rs.map((r) => r.scrape_under_ingest.p99_ms)),
      rounds: rs,
    },
  ]),
);
emit("headroom", { events, bots: BOTS, rounds, scrape_seconds: scrapeMs / 1000, variants });
