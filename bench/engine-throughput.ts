// Events per second of Engine.apply for window_trades 100 and 10000: it should be flat in the
// window size (SPEC §5: O(1) per update). Run: npx tsx bench/engine-throughput.ts [events]
import { ManualClock } from "../src/domain/clock.js";
import type { TradingEvent } from "../src/domain/events.js";
import { Engine } from "../src/engine/engine.js";
import { seededRandom } from "../test/support/exact-stats.js";

const count = Number(process.argv[2] ?? 1_000_000);
const start = Date.parse("2025-01-01T00:00:00Z");

function stream(n: number): TradingEvent[] {
  const random = seededRandom(42);
  const events: TradingEvent[] = [];
  let ts = start;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(random() * 120_000); // ~1 event a minute: days and weeks roll over
    const bot = `bot-${i % 10}`;
    const u = random();
    if (u < 0.8) {
      const pnl = Math.round((random() - 0.48) * 20_000) / 100;
      events.push(
        u < 0.4
          ? { type: "trade", bot, ts, id: String(i), pnl }
          : { type: "trade", bot, ts, id: String(i), pnl, return: pnl / 10_000 },
      );
    } else if (u < 0.85) events.push({ type: "equity", bot, ts, equity: 9_000 + random() * 2_000 });
    else events.push({ type: "heartbeat", bot, ts });
  }
  return events;
}

const events = stream(count);
for (const windowTrades of [100, 10_000, 100, 10_000]) {
  const engine = new Engine(
    {
      initial_equity: 10_000,
      window_trades: windowTrades,
      annualization_factor: 365,
      daily_window_days: 90,
      daily_annualization_factor: 365,
      timezone: "Europe/Berlin",
      cagr_min_days: 30,
      bots: {},
    },
    new ManualClock(start),
  );
  const t0 = performance.now();
  for (const e of events) engine.apply(e);
  const seconds = (performance.now() - t0) / 1000;
  const perBot = engine.performance("bot-0").window_trades;
  console.log(
    `window_trades ${String(windowTrades).padStart(5)}: ${Math.round(count / seconds).toLocaleString("en-US")} events/s ` +
      `(${count.toLocaleString("en-US")} events, 10 bots, window filled to ${perBot})`,
  );
}
