// A Node bot reporting to an exporter running elsewhere (§11, "client"): the typed client signs
// every write with the HMAC secret (§4) and retries safely: network errors, 5xx and 429 only, and
// trade ids make a retried trade count once.
//
//   trading-exporter serve &                 # or: npm start
//   npx tsx examples/remote-bot.ts
//
// Settings: TRADING_EXPORTER_URL (default http://127.0.0.1:10077), HMAC_SECRET, or the secret the
// exporter generated on its first start in ./data/hmac_secret.
// In your own project import from "trading-exporter" instead of "../src/index.js".
import { readFileSync } from "node:fs";
import { TradingExporterClient, TradingExporterError, TradingExporterUnavailableError } from "../src/index.js";

const BOT = "my-remote-bot";
const secret = process.env.HMAC_SECRET?.split(",")[0]?.trim() || readFileSync("./data/hmac_secret", "utf8").trim();
const client = new TradingExporterClient({
  baseUrl: process.env.TRADING_EXPORTER_URL ?? "http://127.0.0.1:10077",
  secret,
  readToken: process.env.READ_TOKEN, // only when the exporter has auth.read_token
});

try {
  await client.sendEvents({ type: "heartbeat", bot: BOT });
  await client.sendEvents([
    { type: "equity", bot: BOT, equity: 25_000 },
    { type: "positions", bot: BOT, open: 2, max: 4 },
  ]);
  // POST /api/v1/trades: `type` may be left out.
  const sent = await client.sendTrades([
    { bot: BOT, id: "fill-7781", pnl: 120.4, symbol: "SOL/USDT", side: "long", ts: new Date().toISOString() },
    { bot: BOT, id: "fill-7782", pnl: -35.1, symbol: "SOL/USDT", side: "short" },
  ]);
  console.log(`trades: ${sent.accepted} applied, ${sent.duplicates} duplicates`);

  const { bots } = await client.realtime(BOT);
  const me = bots[0]!;
  console.log(JSON.stringify({ bot: me.bot, equity: me.equity, total_pnl: me.total_pnl, trades: me.trades }));
} catch (err) {
  if (err instanceof TradingExporterError) {
    // The exporter refused: `problem` is its RFC 9457 body, with every bad field in `errors`.
    console.error(`refused (${err.status}): ${err.problem.detail}`, err.problem.errors ?? "");
  } else if (err instanceof TradingExporterUnavailableError) {
    console.error(`the exporter did not answer: ${err.message}`);
  } else {
    throw err;
  }
  process.exitCode = 1;
}
