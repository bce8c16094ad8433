// The typed client against the real exporter. A TCP proxy in front of it forwards the first
// request but cuts the connection before the answer comes back: the trade was stored, the client
// never heard so, retries, and the exporter counts the trade once (its id is the idempotency key).
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TradingExporterClient } from "../../src/client.js";
import { startHarness, SECRET, type Harness } from "../support/exporter.js";

let h: Harness;
let exporterPort: number;
let proxy: Server;
let proxyPort: number;
let dropNextAnswer = false;
const sockets = new Set<Socket>();

beforeAll(async () => {
  h = await startHarness();
  h.clock.set(Date.now()); // the client signs with the wall clock
  exporterPort = (await h.exporter.listen(0, "127.0.0.1")).port;
  proxy = createServer((client) => {
    sockets.add(client);
    const upstream = connect(exporterPort, "127.0.0.1");
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.on("data", (chunk) => {
      // The exporter answered, so the request was processed; this client never learns it. Decided
      // per answer, not per connection: the client may reuse a kept-alive connection.
      if (dropNextAnswer) {
        dropNextAnswer = false;
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyPort = (proxy.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await h.stop();
});

describe("client against a live exporter", () => {
  it("retries after a dropped connection without counting the trade twice", async () => {
    const client = new TradingExporterClient({ baseUrl: `http://127.0.0.1:${proxyPort}`, secret: SECRET, retries: 3 });
    dropNextAnswer = true;
    const reply = await client.sendTrades({ bot: "retry-bot", id: "t-1", pnl: 42 });
    // The first attempt was applied; the retry is acknowledged as a duplicate.
    expect(reply).toEqual({ accepted: 0, duplicates: 1 });
    const realtime = await client.realtime("retry-bot");
    expect(realtime.bots[0]).toMatchObject({ bot: "retry-bot", total_pnl: 42, trades: { total: 1, wins: 1, losses: 0, breakeven: 0 } });
  });

  it("retries a mixed batch without ids after a dropped connection, and it changes the figures once", async () => {
    const client = new TradingExporterClient({ baseUrl: `http://127.0.0.1:${proxyPort}`, secret: SECRET, retries: 3 });
    dropNextAnswer = true;
    const reply = await client.sendEvents([
      { type: "equity", bot: "mixed-bot", equity: 5000 },
      { type: "circuit_breaker", bot: "mixed-bot", open: true },
      { type: "circuit_breaker", bot: "mixed-bot", open: false },
      { type: "cashflow", bot: "mixed-bot", amount: 250 },
      { type: "trade", bot: "mixed-bot", id: "m-1", pnl: -20 },
    ]);
    // The client gave every event an id before the first attempt and kept it for the retry.
    expect(reply).toEqual({ accepted: 0, duplicates: 5 });
    expect(h.exporter.engine.safety("mixed-bot").circuit_breaker.trips).toBe(1);
    expect(h.exporter.engine.performance("mixed-bot").equity).toBe(5000 + 250 - 20);
  });

  it("reads health and sends a batch signed", async () => {
    const client = new TradingExporterClient({ baseUrl: `http://127.0.0.1:${exporterPort}`, secret: SECRET });
    expect(
      await client.sendEvents([
        { type: "kill_switch", bot: "retry-bot", active: true },
        { type: "heartbeat", bot: "retry-bot" },
      ]),
    ).toEqual({ accepted: 2, duplicates: 0 });
    const health = await client.health();
    expect(health.bots.find((b) => b.bot === "retry-bot")!.level).toBe("CRITICAL");
  });
});
