// Does a 1M-trade CSV export stream with flat memory? Inserts N trades (default 1,000,000) into a
// temp journal, streams /api/v1/export/trades?format=csv over real HTTP, samples RSS, and prints the
// peak RSS growth. Also streams a 10x smaller export for comparison: flat memory means both grow
// about the same.
//   npx tsx bench/export-memory.ts [rows] [--smoke]
import { startExportFixture } from "../test/export/journal-fixture.js";
import { insertTrades, streamAndSampleRss } from "../test/export/rss-probe.js";
import { benchFlags, emit, progress } from "./support/result.js";

const MiB = 1024 * 1024;
const { smoke, args } = benchFlags();
const rows = Number(args[0] ?? (smoke ? 5_000 : 1_000_000));
const result: Record<string, object> = {};

const fx = await startExportFixture();
try {
  const t = performance.now();
  insertTrades(fx.journal, "big", rows);
  insertTrades(fx.journal, "small", Math.ceil(rows / 10));
  progress(`inserted ${rows} + ${Math.ceil(rows / 10)} trades in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  for (const bot of ["small", "big"]) {
    const m = await streamAndSampleRss(`${fx.baseUrl}/api/v1/export/trades?format=csv&bot=${bot}`);
    result[bot] = {
      rows: m.rows - 1,
      mib: Math.round((m.bytes / MiB) * 10) / 10,
      seconds: Math.round(m.ms) / 1000,
      rss_growth_mib: Math.round(((m.peakRss - m.baselineRss) / MiB) * 10) / 10,
    };
    progress(
      `${bot.padEnd(5)}: ${m.rows - 1} rows, ${(m.bytes / MiB).toFixed(1)} MiB in ${(m.ms / 1000).toFixed(2)} s ` +
        `(${((m.rows - 1) / (m.ms / 1000) / 1000).toFixed(0)}k rows/s); RSS ${(m.baselineRss / MiB).toFixed(0)} → peak ` +
        `${(m.peakRss / MiB).toFixed(0)} MiB, growth ${((m.peakRss - m.baselineRss) / MiB).toFixed(1)} MiB`,
    );
  }
} finally {
  await fx.close();
}
emit("export-memory", { rows, ...result });
