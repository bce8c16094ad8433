// §19 figures over HTTP: the §19 golden cases sent signed in batches must give the expected
// figures in /api/v1/metrics/realtime (non-finite → null) and on /metrics (trading_* series).
import { describe, expect, it } from "vitest";
import { handCase, longCase, type FiguresCase } from "../support/figures-cases.js";
import { closeEnough, SERIES_TO_FIELD } from "../support/golden.js";
import { startHarness } from "../support/exporter.js";
import { parsePrometheusText, seriesId } from "../support/prom-text.js";

const cases = [handCase(), longCase(19)];
const FIELD_TO_SERIES = Object.fromEntries(Object.entries(SERIES_TO_FIELD).map(([s, f]) => [f, s]));

async function check(c: FiguresCase): Promise<string[]> {
  const { bots, ...metrics } = c.settings;
  const h = await startHarness({ metrics, bots }, { now: c.now });
  const out: string[] = [];
  try {
    for (let i = 0; i < c.events.length; i += 50) {
      const res = await h.post("/api/v1/events", c.events.slice(i, i + 50));
      expect(res.status, res.text).toBe(200);
    }
    const realtime = (await h.get("/api/v1/metrics/realtime")).body as { bots: Array<Record<string, unknown>> };
    const byBot = new Map(realtime.bots.map((b) => [b.bot as string, b]));
    const scraped = parsePrometheusText((await h.get("/metrics")).text);
    for (const [bot, fields] of Object.entries(c.expected)) {
      for (const [field, expected] of Object.entries(fields)) {
        if (typeof expected !== "number") continue;
        const json = byBot.get(bot)?.[field];
        if (field.endsWith("_at")) {
          if (json !== new Date(expected).toISOString()) out.push(`REST ${bot}.${field}: ${String(json)}, expected ${expected}`);
          continue;
        }
        const jsonOk = Number.isFinite(expected) ? typeof json === "number" && closeEnough(json, expected) : json === null;
        if (!jsonOk) out.push(`REST ${bot}.${field}: ${String(json)}, expected ${expected}`);
        const series = FIELD_TO_SERIES[field];
        if (series === undefined) continue;
        const value = scraped.get(seriesId(series, { bot }));
        if (value === undefined || !closeEnough(value, expected)) out.push(`${series}{bot="${bot}"}: ${value}, expected ${expected}`);
      }
    }
  } finally {
    await h.stop();
  }
  return out;
}

describe("§19 figures over HTTP", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    expect(await check(c)).toEqual([]);
  });
});
