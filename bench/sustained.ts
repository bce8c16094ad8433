// Signed single-trade ingest held for 90 s (10 minutes with --full) on 20 connections: throughput
// per third of the run, so anything whose cost grows with time or with what it remembers shows up
// as a falling last third. Run: npx tsx bench/sustained.ts [--full] [--smoke]
import { BENCH_SECRET, startBenchExporter } from "./support/exporter.js";
import { runLoad } from "./support/load-generator.js";
import { benchFlags, emit, progress } from "./support/result.js";

const { smoke, full } = benchFlags();
const seconds = smoke ? 1.5 : full ? 600 : 90;

const running = await startBenchExporter();
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
emit("sustained", { ...load, seconds, connections: 20, last_vs_first: lastVsFirst, server_rss_mib: rssMiB });
