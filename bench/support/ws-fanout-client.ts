// The WebSocket fan-out load, in its own process: `clients` WebSocket clients subscribed to every
// bot, and one sender per bot posting a signed batch of trades every 100 ms (rate / bots / 10 trades
// each), one request at a time, so each bot's acknowledgements arrive in the order the trades were
// applied. (Single-trade requests, one at a time per bot, cannot reach 1,000 trades/s on a shared
// 2-core machine; the fan-out, not the ingest, is what this bench measures.) A sampled
// subset of clients parses every message; a metrics_update whose trades.total reaches k reflects
// the bot's k-th trade, and the delay from that trade's acknowledgement to the message is the
// latency. A message that arrives before the acknowledgement counts as 0 ms.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { latencySummary } from "./result.js";
import { keepAliveAgent, send } from "./signed-request.js";

export interface FanoutSpec {
  url: string;
  clients: number;
  bots: number;
  ratePerSecond: number;
  durationMs: number;
  secret: string;
  /** Trades each bot already has (seeded), so counts start there. */
  seededTrades: number;
  sampledClients: number;
}

async function fanout(spec: FanoutSpec) {
  const botNames = Array.from({ length: spec.bots }, (_, b) => `bot-${b}`);
  const wsUrl = `${spec.url.replace("http", "ws")}/ws?bots=${botNames.join(",")}&types=metrics_update`;
  const ackAt = new Map(botNames.map((b) => [b, [] as number[]]));
  const latencies: number[] = [];
  let messages = 0;
  let closedEarly = 0;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < spec.clients; i++) {
    const sampled = i < spec.sampledClients;
    const seen = new Map(botNames.map((b) => [b, spec.seededTrades]));
    const ws = new WebSocket(wsUrl);
    ws.on("message", (data) => {
      messages++;
      if (!sampled) return;
      const msg = JSON.parse((data as Buffer).toString()) as { type: string; bot: string; data: { trades: { total: number } } };
      const acks = ackAt.get(msg.bot);
      if (msg.type !== "metrics_update" || !acks) return;
      const now = performance.now();
      const total = msg.data.trades.total;
      for (let k = seen.get(msg.bot)! + 1; k <= total; k++) {
        const acked = acks[k - spec.seededTrades - 1];
        latencies.push(acked === undefined ? 0 : Math.max(0, now - acked));
      }
      seen.set(msg.bot, Math.max(total, seen.get(msg.bot)!));
    });
    ws.on("close", () => closedEarly++);
    sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
  }
  // The first state each client gets on connect is not a measurement.
  await new Promise((r) => setTimeout(r, 500));
  latencies.length = 0;
  messages = 0;

  const agent = keepAliveAgent(spec.bots);
  const url = new URL(spec.url);
  const interval = 100;
  const perRequest = Math.max(1, Math.round(spec.ratePerSecond / spec.bots / 10));
  const started = performance.now();
  let sent = 0;
  let failed = 0;
  await Promise.all(
    botNames.map(async (bot, b) => {
      const acks = ackAt.get(bot)!;
      for (let n = 0; performance.now() - started < spec.durationMs; n++) {
        const due = started + n * interval + (b * interval) / spec.bots;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const trades = Array.from(
          { length: perRequest },
          (_, i) => `{"type":"trade","bot":"${bot}","id":"ws-${n}-${i}","pnl":${((n + i) % 7) - 3}}`,
        );
        const reply = await send(agent, url, "POST", "/api/v1/trades", `[${trades.join(",")}]`, spec.secret);
        const at = performance.now();
        if (reply.status !== 200) failed += perRequest;
        else for (let i = 0; i < perRequest; i++) acks.push(at);
        sent += perRequest;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1000)); // the last coalesced updates
  agent.destroy();
  const stillOpen = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  const droppedByServer = closedEarly;
  for (const s of sockets) s.terminate();
  return {
    clients: spec.clients,
    still_open: stillOpen,
    dropped_by_server: droppedByServer,
    trades_sent: sent,
    trades_failed: failed,
    trades_per_second: Math.round((sent - failed) / seconds),
    messages_per_second: Math.round(messages / seconds),
    ack_to_message: latencySummary(latencies),
  };
}

export type FanoutResult = Awaited<ReturnType<typeof fanout>>;

export function runFanout(spec: FanoutSpec): Promise<FanoutResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(spec)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as FanoutResult) : reject(new Error(`fan-out client exited ${code}`)),
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await fanout(JSON.parse(process.argv[2]!) as FanoutSpec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
