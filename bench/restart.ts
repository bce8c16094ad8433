// Start-up and memory with stored history: `node dist/cli.js serve` on an empty data directory,
// then 1M events across 100 bots sent as durable 1,000-event batches (4 connections, from another
// process), RSS after that load, a clean stop (SIGTERM, final snapshot), time to /readyz and RSS
// after the restart, and the same after kill -9 (snapshot + replay of the tail). The figures after
// the restart must equal those before it. 10M events with --full.
// Run: npx tsx bench/restart.ts [events] [--full] [--smoke]
import { rmSync } from "node:fs";
import { BENCH_SECRET, benchDataDir } from "./support/exporter.js";
import { runLoad } from "./support/load-generator.js";
import { benchFlags, emit, progress } from "./support/result.js";
import { ensureBuilt, startServe, type ServeProcess } from "./support/serve-process.js";

const { smoke, full, args } = benchFlags();
const sizes = args[0] ? [Number(args[0])] : smoke ? [5_000] : full ? [1_000_000, 10_000_000] : [1_000_000];
const batchSize = smoke ? 500 : 1000;
if (!smoke) ensureBuilt();

/**
 * The trading_* lines of /metrics: the figures a restart must keep exactly. Left out: this process's
 * own counters and its storage series (file sizes and free space change with every write).
 */
async function figures(s: ServeProcess): Promise<string> {
  const body = await (await fetch(`${s.url}/metrics`)).text();
  return body
    .split("\n")
    .filter(
      (l) =>
        l.startsWith("trading_") &&
        !l.startsWith("trading_events_total") &&
        !l.startsWith("trading_websocket") &&
        !l.startsWith("trading_exporter_"),
    )
    .join("\n");
}

const runs: object[] = [];
for (const events of sizes) {
  const dataDir = benchDataDir();
  const serve = { dataDir, secret: BENCH_SECRET, maxBots: 100, fromSources: smoke };
  const first = await startServe(serve);
  const emptyStartMs = first.readyMs;
  const load = await runLoad({
    url: first.url,
    kind: "batch",
    path: "/api/v1/events",
    connections: 4,
    batchSize,
    bots: 100,
    requests: events / batchSize,
    secret: BENCH_SECRET,
  });
  if (load.ok !== events / batchSize) throw new Error(`load failed: ${load.first_error}`);
  const before = await figures(first);
  const rssAfterLoad = first.rssMiB();
  const stopMs = await first.stop("SIGTERM");

  const second = await startServe(serve);
  const afterRestart = await figures(second);
  const rssAfterRestart = second.rssMiB();
  await second.stop("SIGKILL");
  const third = await startServe(serve);
  const afterKill = await figures(third);
  const rssAfterKill = third.rssMiB();
  await third.stop("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
  if (afterRestart !== before || afterKill !== before) throw new Error("figures after the restart differ from those before it");
  progress(
    `${events.toLocaleString("en-US")} events: empty start ${Math.round(emptyStartMs)} ms; load ${load.events_per_second} events/s; ` +
      `RSS ${rssAfterLoad} MiB; restart ${Math.round(second.readyMs)} ms, RSS ${rssAfterRestart} MiB; after kill -9 ${Math.round(third.readyMs)} ms`,
  );
  runs.push({
    events,
    bots: 100,
    empty_start_to_ready_ms: Math.round(emptyStartMs),
    batch_ingest: { batch_size: batchSize, connections: 4, events_per_second: load.events_per_second, latency: load.latency },
    rss_after_load_mib: rssAfterLoad,
    clean_stop_ms: Math.round(stopMs),
    restart_to_ready_ms: Math.round(second.readyMs),
    rss_after_restart_mib: rssAfterRestart,
    restart_after_kill_to_ready_ms: Math.round(third.readyMs),
    rss_after_kill_restart_mib: rssAfterKill,
    figures_identical: true,
  });
}
emit("restart", { entry: smoke ? "src/cli.ts (tsx)" : "dist/cli.js", runs });
