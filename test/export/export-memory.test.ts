// A large trade export streams: memory stays flat however many rows there are. (The 1M-row figure
// is measured by bench/export-memory.ts; this keeps a lighter guard in the suite.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ExportFixture, startExportFixture } from "./journal-fixture.js";
import { insertTrades, streamAndSampleRss } from "./rss-probe.js";

const ROWS = 200_000;
const MiB = 1024 * 1024;
let fx: ExportFixture;

beforeAll(async () => {
  fx = await startExportFixture();
  insertTrades(fx.journal, "bulk", ROWS);
}, 120_000);
afterAll(() => fx.close());

it(`streams ${ROWS} trades as CSV without holding them in memory`, async () => {
  const m = await streamAndSampleRss(`${fx.baseUrl}/api/v1/export/trades?format=csv&bot=bulk`);
  expect(m.rows).toBe(ROWS + 1); // header + one line per trade
  // The body is ~19 MB and the rows as objects several times that; a bounded stream stays far below.
  const growth = (m.peakRss - m.baselineRss) / MiB;
  console.log(
    `export of ${ROWS} rows: ${(m.bytes / MiB).toFixed(1)} MiB in ${m.ms.toFixed(0)} ms, peak RSS growth ${growth.toFixed(1)} MiB`,
  );
  expect(m.bytes).toBeGreaterThan(15 * MiB);
  expect(growth).toBeLessThan(64);
}, 120_000);
