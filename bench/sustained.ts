// Signed single-trade ingest held for 90 s (10 minutes with --full) on 20 connections: throughput
// per third of the run, so anything whose cost grows with time or with what it remembers shows up
// as a falling last third. The replay guard remembers each signature for twice the clock skew,
// which is 600 s by default: longer than either run, so signatures would never expire during it.
// The skew is set to 30 s here, so that for most of the run the guard forgets as fast as it learns,
// as it does in a long-running exporter. Run: npx tsx bench/sustained.ts [--full] [--smoke]
import { BENCH_SECRET, startBenchExporter } from "./support/exporter.js";
import { runLoad } from "./support/load-generator.js";
import { benchFlags, emit, progress } from "./support/result.js";

const { smoke, full } = benchFlags();
const seconds = smoke ? 1.5 : full ? 600 : 90;

const SKEW_SECONDS = 30;
const running = await startBenchExporter({ auth: { max_clock_skew_seconds: SKEW_SECONDS } });
const load = await runLoad({
  url: running.url,
  kind: "single",
  path: "/api/v1/events",
  connections: 20,
  durationMs: seconds * 1000,
  secret: BENCH_SECRET,
});
const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
await running.stop();
const [first, , last] = load.thirds_rps;
const lastVsFirst = Math.round((last! / first!) * 1000) / 1000;
progress(`${seconds} s: thirds ${load.thirds_rps.join(" / ")} req/s, last/first ${lastVsFirst}, p99 ${load.latency.p99_ms} ms`);
emit("sustained", {
  ...load,
  seconds,
  connections: 20,
  last_vs_first: lastVsFirst,
  max_clock_skew_seconds: SKEW_SECONDS,
  server_rss_mib: rssMiB,
});
