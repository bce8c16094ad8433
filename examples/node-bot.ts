// A Node bot with the exporter inside its own process (§11, "library"): no HTTP hop, no
// signing; events go through the same validation, SQLite journal and engine as POST /api/v1/events.
// Prometheus still scrapes http://<listen>/metrics and the dashboard is at http://<listen>/.
//
//   npx tsx examples/node-bot.ts            # reports a few trades, prints the figures, exits
//   npx tsx examples/node-bot.ts --stay     # ...and keeps serving until Ctrl-C
//
// In your own project import from "trading-exporter" instead of "../src/index.js".
import { createExporterFromOptions, type EventInput } from "../src/index.js";

const BOT = "my-node-bot";

// Any config key of the YAML file (snake_case), all optional; a typo is an error naming the key.
const exporter = await createExporterFromOptions(
  {
    data_dir: process.env.DATA_DIR ?? "./data",
    listen: process.env.LISTEN_ADDRESS ?? "127.0.0.1:10077",
    metrics: { initial_equity: 10_000 },
    bots: { [BOT]: { triggers: { consecutive_losses: { threshold: 5 } } } },
  },
  // Let HMAC_SECRET, READ_TOKEN, SLACK_WEBHOOK … override the object, as for the CLI.
  { env: process.env },
);
const { url } = await exporter.listen();
console.log(`exporter listening: ${url}/metrics and ${url}/`);

// What the bot's own loop would report as things happen. Trade ids are idempotency keys: reporting
// the same trade twice (say after a crash) applies it once.
const events: EventInput[] = [
  { type: "heartbeat", bot: BOT },
  { type: "positions", bot: BOT, open: 1, max: 3 },
  { type: "trade", bot: BOT, id: "order-1001", pnl: 42.5, symbol: "BTC/USDT", side: "long" },
  { type: "trade", bot: BOT, id: "order-1002", pnl: -18.2, symbol: "ETH/USDT", side: "short" },
  { type: "trade", bot: BOT, id: "order-1003", pnl: 27.9, symbol: "BTC/USDT", side: "long" },
  { type: "equity", bot: BOT, equity: 10_061.4 },
  { type: "api_status", bot: BOT, status: "connected", latency_ms: 85 },
];
for (const event of events) await exporter.ingest(event);
const again = await exporter.ingest({ type: "trade", bot: BOT, id: "order-1001", pnl: 42.5 });
console.log(`re-sent order-1001: ${again.duplicates} duplicate, ${again.accepted} applied`);

// The figures are there at once, in the engine (the same numbers /api/v1/metrics/realtime shows).
const perf = exporter.engine.performance(BOT);
const safety = exporter.engine.safety(BOT);
console.log(
  JSON.stringify({
    bot: perf.bot,
    equity: perf.equity,
    total_pnl: perf.total_pnl,
    win_rate: perf.win_rate,
    drawdown: perf.drawdown,
    trades: perf.trades,
    open_positions: safety.positions.open,
  }),
);

if (process.argv.includes("--stay")) {
  process.once("SIGINT", () => void exporter.close().then(() => process.exit(0)));
} else {
  await exporter.close();
}
