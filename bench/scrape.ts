// /metrics latency (p50/p99) and body size at 10, 100 and 1,000 bots, idle and while signed
// single-trade ingest runs (10 connections) from another process. Scrapes come from their own
// generator process, one connection, one every 100 ms under ingest. The server's CPU time per idle
// scrape (the bench process's, which serves them) is given beside the latencies: on a shared
// machine the wall-clock percentiles also count the time the process waited for a core.
// Run: npx tsx bench/scrape.ts [--smoke]
import { seedBots, startBenchExporter } from "./support/exporter.js";
import { runLoad } from "./support/load-generator.js";
import { benchFlags, emit, progress } from "./support/result.js";
import { scrapeUnderIngest } from "./support/scrape-under-ingest.js";

const { smoke } = benchFlags();
const botCounts = smoke ? [3] : [10, 100, 1000];
// 300 scrapes under ingest: of 100 or fewer, the nearest-rank p99 is the slowest scrape itself.
const underIngestMs = smoke ? 500 : 30_000;

const results: Record<string, object> = {};
for (const bots of botCounts) {
  const running = await startBenchExporter({ max_bots: Math.max(100, bots) });
  await seedBots(running.exporter, bots);
  const body = await (await fetch(`${running.url}/metrics`)).text();
  const series = body.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length;
  await runLoad({ url: running.url, kind: "get", path: "/metrics", connections: 1, requests: smoke ? 5 : 20 }); // warm-up
  const cpuBefore = process.cpuUsage();
  const idle = await runLoad({
    url: running.url,
    kind: "get",
    path: "/metrics",
    connections: 1,
    requests: smoke ? 10 : bots >= 1000 ? 100 : 300,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerScrape = Math.round(((cpu.user + cpu.system) / 1000 / idle.requests) * 100) / 100;
  const { scrapes, ingest } = await scrapeUnderIngest(running.url, underIngestMs, bots);
  await running.stop();
  progress(
    `${bots} bots: idle p99 ${idle.latency.p99_ms} ms (p50 ${idle.latency.p50_ms} ms, CPU ${cpuMsPerScrape} ms per scrape), under ingest p99 ${scrapes.latency.p99_ms} ms (${ingest.requests_per_second} req/s), ${body.length} bytes, ${series} series`,
  );
  results[String(bots)] = {
    body_bytes: Buffer.byteLength(body),
    series,
    idle: { ...idle.latency, ok: idle.ok, requests: idle.requests, server_cpu_ms_per_scrape: cpuMsPerScrape },
    under_ingest: {
      ...scrapes.latency,
      ok: scrapes.ok,
      requests: scrapes.requests,
      ingest_requests_per_second: ingest.requests_per_second,
      ingest_ok: ingest.ok,
    },
  };
}
emit("scrape", { bots: results });
