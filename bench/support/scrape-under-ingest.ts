// /metrics scraped every 100 ms on one connection while signed single trades of `bots` bots arrive
// on 10 connections, both from load-generator processes, for `durationMs`.
import { BENCH_SECRET } from "./exporter.js";
import { runLoad, type LoadResult } from "./load-generator.js";

export async function scrapeUnderIngest(
  url: string,
  durationMs: number,
  bots: number,
): Promise<{ scrapes: LoadResult; ingest: LoadResult }> {
  const [scrapes, ingest] = await Promise.all([
    runLoad({ url, kind: "get", path: "/metrics", connections: 1, durationMs, intervalMs: 100 }),
    runLoad({
      url,
      kind: "single",
      path: "/api/v1/events",
      connections: 10,
      durationMs,
      secret: BENCH_SECRET,
      bots,
      // Apart from the ids of any batches sent before, so that every trade is new.
      idPrefix: "single",
    }),
  ]);
  return { scrapes, ingest };
}
