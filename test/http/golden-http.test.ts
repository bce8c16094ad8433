// Every golden case sent over the signed REST API (in batches, duplicates included) must give the
// expected figures in /api/v1/metrics/realtime and on /metrics.
import { describe, expect, it } from "vitest";
import { closeEnough, compareGolden, expectedBots, loadGoldenCases, parseSeriesKey } from "../support/golden.js";
import { startHarness } from "../support/exporter.js";
import { parsePrometheusText, seriesId } from "../support/prom-text.js";

const cases = loadGoldenCases();

describe.each(cases.map((c) => [c.name, c] as const))("golden %s over HTTP", (_name, c) => {
  it("gives the expected realtime JSON and /metrics series", async () => {
    const h = await startHarness({ metrics: c.config.metrics ?? {}, bots: c.config.bots ?? {} }, { now: c.now_ms });
    try {
      // Batches of varying size keep the arrival order; a re-sent trade may land in another batch.
      for (let i = 0, size = 1; i < c.events.length; i += size, size = (size * 7) % 97 || 1) {
        const res = await h.post("/api/v1/events", c.events.slice(i, i + size));
        expect(res.status, res.text).toBe(200);
      }
      const realtime = (await h.get("/api/v1/metrics/realtime")).body as { bots: Array<{ bot: string }> };
      expect(realtime.bots.map((b) => b.bot).sort()).toEqual(expectedBots(c));
      const byBot = new Map(realtime.bots.map((b) => [b.bot, b]));
      expect(compareGolden(c, (bot) => byBot.get(bot) ?? {}, { nullMeansNonFinite: true })).toEqual([]);

      const scraped = parsePrometheusText((await h.get("/metrics")).text);
      const problems: string[] = [];
      for (const [key, expected] of Object.entries(c.expected_metrics)) {
        const { name, labels } = parseSeriesKey(key);
        const actual = scraped.get(seriesId(name, labels));
        const exp = typeof expected === "number" ? expected : Number(expected.replace("Inf", "Infinity"));
        if (actual === undefined || !closeEnough(actual, exp)) problems.push(`${key}: got ${actual}, expected ${expected}`);
      }
      expect(problems).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
