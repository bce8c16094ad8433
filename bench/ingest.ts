// Signed single-trade ingest (50 keep-alive connections) and durable 1,000-trade batches
// (4 connections) against the exporter, and the same requests against a bare node:http server,
// with the same load generator from a separate process. Run: npx tsx bench/ingest.ts [--smoke]
import { startBareServer } from "./support/bare-server.js";
import { BENCH_SECRET, startBenchExporter } from "./support/exporter.js";
import { runLoad, type LoadResult, type LoadSpec } from "./support/load-generator.js";
import { benchFlags, emit, progress } from "./support/result.js";

const { smoke } = benchFlags();
const seconds = smoke ? 0.5 : 10;

async function measure(spec: Omit<LoadSpec, "url" | "secret">): Promise<{ exporter: LoadResult; bare: LoadResult; ratio: number }> {
  const running = await startBenchExporter();
  // Warm-up: JIT, SQLite page cache and the bots' first events, not counted.
  await runLoad({ ...spec, url: running.url, secret: BENCH_SECRET, idPrefix: "warm", durationMs: smoke ? 200 : 2000 });
  const exporter = await runLoad({ ...spec, url: running.url, secret: BENCH_SECRET, durationMs: seconds * 1000 });
  await running.stop();
  const bareServer = await startBareServer();
  const bare = await runLoad({ ...spec, url: bareServer.url, secret: BENCH_SECRET, durationMs: seconds * 1000 });
  await bareServer.close();
  progress(
    `${spec.kind}: exporter ${exporter.requests_per_second} req/s p99 ${exporter.latency.p99_ms} ms; bare ${bare.requests_per_second} req/s`,
  );
  return { exporter, bare, ratio: Math.round((exporter.requests_per_second / bare.requests_per_second) * 1000) / 1000 };
}

const single = await measure({ kind: "single", path: "/api/v1/events", connections: smoke ? 4 : 50 });
const batch = await measure({ kind: "batch", path: "/api/v1/events", connections: 4, batchSize: smoke ? 50 : 1000 });
emit("ingest", { seconds, single, batch });
