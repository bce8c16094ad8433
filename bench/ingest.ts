// Ingestion throughput and latency over real HTTP (signed requests, SQLite with synchronous=FULL,
// group commit), and restart time (snapshot + tail replay vs full replay).
// Run: npx tsx bench/ingest.ts [events]
import { rmSync } from "node:fs";
import { signedHeaders } from "../src/domain/signature.js";
import { createExporter } from "../src/exporter.js";
import { Journal } from "../src/store/journal.js";
import { SECRET, tempDir, testConfig } from "../test/support/exporter.js";

const TOTAL = Number(process.argv[2] ?? 200_000);
const BATCH = 100;
const CONCURRENCY = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const dataDir = tempDir("bench-");
  const config = testConfig({}, dataDir);
  const exporter = await createExporter(config);
  const { url } = await exporter.listen(0, "127.0.0.1");

  let next = 0;
  const latencies: number[] = [];
  const single: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (next < TOTAL) {
        const from = next;
        next += BATCH;
        const events = Array.from({ length: BATCH }, (_, i) => ({
          type: "trade",
          bot: `bot-${(from + i) % 10}`,
          id: String(from + i),
          pnl: Math.sin(from + i) * 50,
        }));
        const body = JSON.stringify(events);
        const t0 = performance.now();
        const res = await fetch(`${url}/api/v1/events`, {
          method: "POST",
          headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/events", body) },
          body,
        });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (worker === 0 && from % (BATCH * 50) === 0) {
          // An occasional single-event request measures per-request latency under load.
          const one = JSON.stringify({ type: "heartbeat", bot: "bot-0" });
          const t1 = performance.now();
          await fetch(`${url}/api/v1/events`, {
            method: "POST",
            headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/events", one) },
            body: one,
          }).then((r) => r.arrayBuffer());
          single.push(performance.now() - t1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  single.sort((a, b) => a - b);
  console.log(`ingest: ${TOTAL} trades in batches of ${BATCH}, ${CONCURRENCY} concurrent clients`);
  console.log(`  throughput: ${Math.round(TOTAL / seconds)} events/s`);
  console.log(`  batch latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  console.log(`  single-event latency under load p50 ${percentile(single, 50).toFixed(1)} ms, p99 ${percentile(single, 99).toFixed(1)} ms`);
  const scrapeStart = performance.now();
  const metrics = await (await fetch(`${url}/metrics`)).text();
  console.log(`  /metrics scrape (10 bots): ${(performance.now() - scrapeStart).toFixed(1)} ms, ${metrics.length} bytes`);
  await exporter.close(); // takes the final snapshot

  for (const [label, dropSnapshots] of [["snapshot + tail", false], ["full replay", true]] as const) {
    if (dropSnapshots) {
      const journal = Journal.open(dataDir);
      journal.db.exec("DELETE FROM engine_snapshots");
      journal.close();
    }
    const t0 = performance.now();
    const again = await createExporter(config);
    console.log(`restart (${label}) with ${TOTAL} events: ${(performance.now() - t0).toFixed(0)} ms`);
    await again.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
