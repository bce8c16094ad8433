// §16 on /ws: a page of another site cannot open it (403, token or not), connections are
// capped (503), a chatty client is closed with 1008, and a burst of subscribes costs the server one
// state serialization per metrics interval, not one per message.
import { afterEach, describe, expect, it } from "vitest";
import { type HubFixture, rawUpgrade, sleep, startHub, TestClient, until } from "./harness.js";

const TOKEN = "read-token-admission-1";
let fx: HubFixture;
afterEach(() => fx?.close());

const hostOf = (url: string) => new URL(url).host;

describe("Origin check on /ws", () => {
  it("refuses a foreign Origin with 403 problem+json, with or without a valid read token", async () => {
    fx = await startHub({ readToken: TOKEN });
    const evil = { Origin: "https://evil.example" };
    const bare = await rawUpgrade(fx.url, evil);
    expect(bare.status).toBe(403);
    expect(bare.type).toBe("application/problem+json");
    expect(bare.nosniff).toBe("nosniff");
    expect((await rawUpgrade(`${fx.url}?token=${TOKEN}`, evil)).status).toBe(403);
    expect((await rawUpgrade(fx.url, { ...evil, Authorization: `Bearer ${TOKEN}` })).status).toBe(403);
    expect((await rawUpgrade(`${fx.url}?token=${TOKEN}`, { Origin: "null" })).status).toBe(403);
    // Same host on another port is another origin.
    const [host, port] = hostOf(fx.url).split(":");
    expect((await rawUpgrade(`${fx.url}?token=${TOKEN}`, { Origin: `http://${host}:${Number(port) + 1}` })).status).toBe(403);
    expect(fx.hub.clients()).toBe(0);
  });

  it("accepts the exporter's own origin, a listed origin, and clients that send no Origin", async () => {
    fx = await startHub({ allowedOrigins: ["https://grafana.example"] });
    expect((await rawUpgrade(fx.url, { Origin: `http://${hostOf(fx.url)}` })).status).toBe(101);
    expect((await rawUpgrade(fx.url, { Origin: "https://grafana.example" })).status).toBe(101);
    expect((await rawUpgrade(fx.url)).status).toBe(101);
    expect((await rawUpgrade(fx.url, { Origin: "https://grafana.example.evil.example" })).status).toBe(403);
  });
});

describe("websocket.max_clients", () => {
  it("answers 503 beyond the cap and admits again once a client has left", async () => {
    fx = await startHub({ maxClients: 3 });
    const clients = [await fx.connect(), await fx.connect(), await fx.connect()];
    expect(fx.hub.clients()).toBe(3);
    const over = await rawUpgrade(fx.url);
    expect(over.status).toBe(503);
    expect(JSON.parse(over.body).detail).toContain("3");
    await expect(TestClient.open(fx.url)).rejects.toThrow("HTTP 503");
    clients[0]!.ws.close();
    await until(() => fx.hub.clients() === 2);
    await fx.connect();
    expect(fx.hub.clients()).toBe(3);
  });
});

describe("websocket.max_messages_per_second", () => {
  it("closes a client sending more than the limit with 1008; one within the limit stays", async () => {
    fx = await startHub({ maxMessagesPerSecond: 5 });
    const calm = await fx.connect();
    const chatty = await fx.connect();
    for (let i = 0; i < 5; i++) calm.send({ type: "subscribe", bots: ["alpha"] });
    for (let i = 0; i < 20; i++) chatty.send({ type: "subscribe", bots: ["alpha"] });
    const closed = await chatty.whenClosed();
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/messages per second/);
    await sleep(300);
    expect(calm.closed).toBeNull();
    expect(fx.hub.clients()).toBe(1);
  });

  it("allows a steady rate at the limit over several seconds", async () => {
    fx = await startHub({ maxMessagesPerSecond: 10 });
    const c = await fx.connect();
    for (let i = 0; i < 15; i++) {
      c.send({ type: "subscribe", bots: ["beta"] });
      await sleep(120); // ~8 per second
    }
    expect(c.closed).toBeNull();
  });
});

describe("subscribe serialization is throttled", () => {
  it("a burst of subscribes inside one metrics interval gives one state send, for the last subscription", async () => {
    fx = await startHub({ metricsIntervalMs: 200, maxMessagesPerSecond: 100 });
    const c = await fx.connect();
    await c.count(6); // the state of both bots on connect: metrics, health, safety each
    const readsBefore = fx.snapshot.reads;
    for (let i = 0; i < 30; i++) c.send({ type: "subscribe", bots: [i % 2 === 0 ? "alpha" : "beta"] });
    c.send({ type: "subscribe", bots: ["alpha"] });
    await c.count(9);
    await sleep(500);
    // One send of alpha's three state messages, for the subscription in force when it went out.
    expect(c.messages.slice(6).map((m) => `${m.type}:${m.bot}`)).toEqual([
      "metrics_update:alpha",
      "health_update:alpha",
      "safety_update:alpha",
    ]);
    expect(fx.snapshot.reads - readsBefore).toBe(3);
  });
});
