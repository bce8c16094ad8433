// Does any export hold the event loop? Builds a journal of N events (default 1,000,000) over 100
// bots straight into SQLite, then, with the loop's lag measured in the same process as the server:
// a CSV export of every trade, an export whose time range matches nothing (every row read, none
// written: the case that pacing by output bytes never paced), and every bot's equity curve.
//   npx tsx bench/export-loop-lag.ts [events] [--smoke]
import { startExportFixture } from "../test/export/journal-fixture.js";
import { drain, insertEventMix, measureLoopLag, type LoopLag } from "../test/export/loop-lag.js";
import { benchFlags, emit, progress } from "./support/result.js";

const { smoke, args } = benchFlags();
const events = Number(args[0] ?? (smoke ? 20_000 : 1_000_000));
const result: Record<string, object> = {};

const report = (name: string, rows: number, lag: LoopLag, extra: object = {}) => {
  result[name] = { rows, rows_per_second: Math.round(rows / lag.seconds), ...lag, ...extra };
  progress(
    `${name.padEnd(14)} ${rows} rows in ${lag.seconds.toFixed(2)} s (${Math.round(rows / lag.seconds / 1000)}k rows/s); ` +
      `loop held at most ${lag.max_ms} ms (p99 ${lag.p99_ms} ms, a 5 ms timer at most ${lag.interval_max_late_ms} ms late, ` +
      `at most ${lag.cpu_max_ms} ms of CPU between two ticks)`,
  );
};

const fx = await startExportFixture();
try {
  const t = performance.now();
  const mix = insertEventMix(fx, events);
  progress(`built ${events} events (${mix.trades} trades, ${mix.bots.length} bots) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const all = await measureLoopLag(() => drain(`${fx.baseUrl}/api/v1/export/trades?format=csv`));
  if (all.result.lines - 1 !== mix.trades) throw new Error(`exported ${all.result.lines - 1} trades of ${mix.trades}`);
  report("csv_all_trades", all.result.lines - 1, all.lag, { mib: Math.round((all.result.bytes / 2 ** 20) * 10) / 10 });

  // Every trade, equity and cash-flow row is read (returns need them), none is in the range.
  const scanned = Math.round(events * (19 / 20));
  const none = await measureLoopLag(() => drain(`${fx.baseUrl}/api/v1/export/trades?format=json&from=2031-01-01`, true));
  if (none.result.body?.trim() !== "[]") throw new Error("the empty range exported something");
  report("empty_range", scanned, none.lag, { rows_are: "read, none exported" });

  const curves = await measureLoopLag(async () => {
    let points = 0;
    for (const bot of mix.bots) {
      const r = await drain(`${fx.baseUrl}/api/v1/export/equity?bot=${bot}&max_points=1000`, true);
      points += (JSON.parse(r.body!) as { points: unknown[] }).points.length;
    }
    return points;
  });
  report("equity_curves", curves.result, curves.lag, { requests: mix.bots.length, rows_are: "points served" });
} finally {
  await fx.close();
}
emit("export-loop-lag", { events, bots: 100, ...result });
