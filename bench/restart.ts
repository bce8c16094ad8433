// Start-up and memory with stored history: `node dist/cli.js serve` on an empty data directory,
// then 1M events across 100 bots sent as durable 1,000-event batches (4 connections, from another
// process), RSS after that load and once it settles with the exporter idle, a clean stop (SIGTERM, final snapshot), time to /readyz and RSS
// after the restart; then 9 more batches (a tail just short of the 10,000 events after which a
// snapshot is taken), kill -9, and the same after that start (the newest snapshot + replay of the
// tail). The figures after each start must equal those before it. 10M events with --full.
// Run: npx tsx bench/restart.ts [events] [--full] [--smoke]
import { rmSync } from "node:fs";
import { BENCH_SECRET, benchDataDir } from "./support/exporter.js";
import { runLoad } from "./support/load-generator.js";
import { benchFlags, emit, progress } from "./support/result.js";
import { ensureBuilt, startServe, type ServeProcess } from "./support/serve-process.js";

const { smoke, full, args } = benchFlags();
const sizes = args[0] ? [Number(args[0])] : smoke ? [5_000] : full ? [1_000_000, 10_000_000] : [1_000_000];
const batchSize = smoke ? 500 : 1000;
/** How long RSS is watched after the load for V8 to give back the heap the load grew (it does, idle). */
const SETTLE_MAX_SECONDS = smoke ? 1 : 60;
/** Batches sent before the kill -9: their events are the tail the next start replays (under the default snapshot every 10,000). */
const TAIL_BATCHES = 9;
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

/**
 * RSS once the idle exporter has given back what the load grew: read every second until it has
 * fallen a quarter below `peak` and held for three readings, or SETTLE_MAX_SECONDS passed.
 */
async function settledRss(s: ServeProcess, peak: number): Promise<{ mib: number; seconds: number }> {
  const started = performance.now();
  let steady = 0;
  let last = peak;
  for (let i = 0; i < SETTLE_MAX_SECONDS; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = s.rssMiB();
    steady = now < peak * 0.75 && Math.abs(now - last) <= peak * 0.02 ? steady + 1 : 0;
    last = now;
    if (steady >= 3) break;
  }
  return { mib: last, seconds: Math.round((performance.now() - started) / 1000) };
}

const runs: object[] = [];
for (const events of sizes) {
  const dataDir = benchDataDir();
  const serve = { dataDir, secret: BENCH_SECRET, maxBots: 100, fromSources: smoke };
  const first = await startServe(serve);
  const emptyStartMs = first.readyMs;
  const emptyStartCpuMs = first.readyCpuMs;
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
  const settled = await settledRss(first, rssAfterLoad);
  const stopMs = await first.stop("SIGTERM");

  const second = await startServe(serve);
  const afterRestart = await figures(second);
  const rssAfterRestart = second.rssMiB();
  // The snapshot the clean stop wrote covers everything so far: without new events a kill -9 would
  // measure the same start again. These stay in the journal only, for the next start to replay.
  const tail = await runLoad({
    url: second.url,
    kind: "batch",
    path: "/api/v1/events",
    connections: 1,
    batchSize,
    bots: 100,
    requests: TAIL_BATCHES,
    secret: BENCH_SECRET,
    idPrefix: "tail",
  });
  if (tail.ok !== TAIL_BATCHES) throw new Error(`tail load failed: ${tail.first_error}`);
  const beforeKill = await figures(second);
  await second.stop("SIGKILL");
  const third = await startServe(serve);
  const afterKill = await figures(third);
  const rssAfterKill = third.rssMiB();
  await third.stop("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
  if (afterRestart !== before) throw new Error("figures after the restart differ from those before it");
  if (afterKill !== beforeKill) throw new Error("figures after kill -9 differ from those before it");
  progress(
    `${events.toLocaleString("en-US")} events: empty start ${Math.round(emptyStartMs)} ms (CPU ${emptyStartCpuMs} ms); load ${load.events_per_second} events/s; ` +
      `RSS ${rssAfterLoad} MiB, ${settled.mib} MiB after ${settled.seconds} s idle; restart ${Math.round(second.readyMs)} ms (CPU ${second.readyCpuMs} ms), RSS ${rssAfterRestart} MiB; ` +
      `after kill -9 with a tail of ${TAIL_BATCHES * batchSize} events ${Math.round(third.readyMs)} ms (CPU ${third.readyCpuMs} ms), RSS ${rssAfterKill} MiB`,
  );
  runs.push({
    events,
    bots: 100,
    empty_start_to_ready_ms: Math.round(emptyStartMs),
    empty_start_cpu_ms: emptyStartCpuMs,
    batch_ingest: { batch_size: batchSize, connections: 4, events_per_second: load.events_per_second, latency: load.latency },
    rss_after_load_mib: rssAfterLoad,
    rss_after_idle_mib: settled.mib,
    rss_idle_seconds: settled.seconds,
    clean_stop_ms: Math.round(stopMs),
    restart_to_ready_ms: Math.round(second.readyMs),
    restart_cpu_ms: second.readyCpuMs,
    rss_after_restart_mib: rssAfterRestart,
    kill_tail_events: TAIL_BATCHES * batchSize,
    restart_after_kill_to_ready_ms: Math.round(third.readyMs),
    restart_after_kill_cpu_ms: third.readyCpuMs,
    rss_after_kill_restart_mib: rssAfterKill,
    figures_identical: true,
  });
}
emit("restart", { entry: smoke ? "src/cli.ts (tsx)" : "dist/cli.js", runs });
