// WebSocket fan-out: 1,000 clients subscribed to 10 bots while 1,000 trades/s arrive as signed
// batches from 10 senders (one per bot, every 100 ms); p50/p99 from a trade's acknowledgement to a
// client's metrics_update reflecting it.
// Target: at most metrics_interval_ms + 50 ms (a metrics_update is coalesced per bot per interval).
// Run: npx tsx bench/websocket.ts [--smoke]
import { BENCH_SECRET, seedBots, startBenchExporter } from "./support/exporter.js";
import { benchFlags, emit, progress } from "./support/result.js";
import { runFanout } from "./support/ws-fanout-client.js";

const { smoke } = benchFlags();
const bots = smoke ? 2 : 10;
const seededTrades = 5;
const running = await startBenchExporter({ websocket: { max_clients: 1100 } });
await seedBots(running.exporter, bots, seededTrades);
const intervalMs = running.exporter.config.websocket.metrics_interval_ms;
const result = await runFanout({
  url: running.url,
  clients: smoke ? 20 : 1000,
  bots,
  ratePerSecond: smoke ? 50 : 1000,
  durationMs: smoke ? 1000 : 15_000,
  secret: BENCH_SECRET,
  seededTrades,
  sampledClients: smoke ? 5 : 50,
});
await running.stop();
progress(
  `${result.clients} clients, ${result.trades_per_second} trades/s: ack→message p50 ${result.ack_to_message.p50_ms} ms, p99 ${result.ack_to_message.p99_ms} ms`,
);
emit("websocket", { bots, metrics_interval_ms: intervalMs, target_ms: intervalMs + 50, ...result });
