// The Hummingbot source against a real Mosquitto broker: a stream of fills to FIFO trades, the other
// topics, malformed messages, restarts of the exporter and of the broker mid-stream, redelivery and
// re-published fills, the broker down and back, and discovery up to max_bots.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TradingEvent } from "../../../src/domain/events.js";
import type { MosquittoBroker } from "../../../src/demo/mosquitto.js";
import type { Exporter } from "../../../src/exporter.js";
import { availability, heartbeat, orderFailure, performance } from "../../fixtures/hummingbot/messages.js";
import { MOSQUITTO, NOW, metric, publisher, startBroker, startExporter, until, type Publisher } from "./harness.js";
import { EXPECTED_PNL, EXPECTED_TRADES, FILLS, filled } from "./scenario.js";

const trades = (applied: TradingEvent[]) => applied.filter((e) => e.type === "trade");
function record(exporter: Exporter): TradingEvent[] {
  const applied: TradingEvent[] = [];
  exporter.pipeline.addListener({ applied: (e) => void applied.push(e) });
  return applied;
}
const up = (exporter: Exporter, bot = "hb-bot1") => metric(exporter, "trading_source_up", { source: "hummingbot", bot });
/** A listed instance's series exists from the start; it reads 1 once the broker confirmed the subscriptions. */
const subscribed = (exporter: Exporter) => until(async () => (await up(exporter)) === 1, "the subscriptions");

function expectScenario(exporter: Exporter, applied: TradingEvent[]): void {
  const got = trades(applied);
  expect(got).toHaveLength(EXPECTED_TRADES.length);
  EXPECTED_TRADES.forEach((t, i) => {
    const { pnl, ...rest } = t;
    expect(got[i]).toMatchObject({ bot: "hb-bot1", ...rest });
    expect((got[i] as { pnl: number }).pnl).toBeCloseTo(pnl, 9);
  });
  const perf = exporter.engine.performance("hb-bot1");
  expect(perf.trades.total).toBe(EXPECTED_TRADES.length);
  expect(perf.total_pnl).toBeCloseTo(EXPECTED_PNL, 9);
}

describe.skipIf(!MOSQUITTO.path)("Hummingbot over MQTT (real mosquitto)", () => {
  let broker: MosquittoBroker;
  let pub: Publisher | undefined;
  const exporters: Exporter[] = [];
  const start = async (...args: Parameters<typeof startExporter>) => {
    const started = await startExporter(...args);
    exporters.push(started.exporter);
    return started;
  };

  beforeEach(async () => {
    broker = await startBroker();
  });
  afterEach(async () => {
    await pub?.close();
    pub = undefined;
    for (const e of exporters.splice(0)) await e.close();
    await broker.close();
  });

  it("maps heartbeats, availability, fills (FIFO), order failures and performance", async () => {
    const { exporter } = await start(broker.url);
    const applied = record(exporter);
    await subscribed(exporter);
    pub = await publisher(broker.url);
    await pub.publish("bot1", "status_updates", availability(true, NOW - 10_000));
    await pub.publish("bot1", "hb", heartbeat((NOW - 5_000) * 1000));
    await until(() => exporter.engine.hasBot("hb-bot1"), "the first message");
    expect(await up(exporter)).toBe(1);
    for (let i = 0; i < FILLS.length; i++) await pub.publish("bot1", "events", filled(i));
    await until(() => trades(applied).length === EXPECTED_TRADES.length, "the closed trades");
    expectScenario(exporter, applied);

    await pub.publish("bot1", "events", orderFailure("buy-BTC-USDT-9", FILLS.at(-1)!.t + 1));
    await until(() => exporter.engine.safety("hb-bot1").api.status === "degraded", "api degraded");
    await pub.publish("bot1", "performance", performance({ pmm_1: 12.5, arb_2: -2.5 }));
    // equity = initial equity (10,000) + 12.5 − 2.5
    await until(() => exporter.engine.performance("hb-bot1").equity === 10_010, "equity from performance");
    await pub.publish("bot1", "status_updates", availability(false, NOW));
    await until(() => exporter.engine.safety("hb-bot1").kill_switch.active, "kill switch on offline");
    expect(exporter.engine.safety("hb-bot1").kill_switch.reason).toBe("hummingbot offline");
    expect(await metric(exporter, "trading_source_last_message_timestamp_seconds", { source: "hummingbot", bot: "hb-bot1" })).toBe(
      NOW / 1000,
    );
    // Heartbeats carry their own time (µs → ms).
    expect(applied.find((e) => e.type === "heartbeat")?.ts).toBe(NOW - 5_000);
  });

  it("counts and skips malformed messages, and keeps going", async () => {
    const { exporter } = await start(broker.url);
    const applied = record(exporter);
    pub = await publisher(broker.url);
    await subscribed(exporter);
    await pub.publish("bot1", "events", "{not json");
    await pub.publish("bot1", "events", {
      timestamp: 1,
      type: "OrderFilled",
      data: { trading_pair: "BTC-USDT", price: "x", amount: 1, trade_type: "TradeType.BUY", order_id: "o" },
    });
    await pub.publish("bot1", "status_updates", { type: "availability", msg: "maybe" });
    await pub.publish("bot1", "performance", { c1: { performance: {} } });
    await pub.publish("bot1", "events", filled(0));
    await pub.publish("bot1", "events", filled(2));
    await pub.publish("bot1", "events", filled(3));
    await until(() => trades(applied).length === 1, "the good fills after the bad messages");
    expect((trades(applied)[0] as { pnl: number }).pnl).toBeCloseTo(24.72, 9);
    expect(await metric(exporter, "trading_source_errors_total", { source: "hummingbot", reason: "malformed" })).toBe(4);
  });

  it("an exporter restart mid-stream changes nothing: queued messages arrive, open lots survive", async () => {
    const first = await start(broker.url);
    let applied = record(first.exporter);
    pub = await publisher(broker.url);
    await subscribed(first.exporter);
    for (const i of [0, 1, 2]) await pub.publish("bot1", "events", filled(i));
    await until(() => applied.filter((e) => e.type === "heartbeat").length === 3, "the first three fills");
    const before = [...applied];
    await first.exporter.close();
    exporters.splice(exporters.indexOf(first.exporter), 1);
    // Published while the exporter is down, with QoS 0 as Hummingbot does: the broker
    // (queue_qos0_messages true, as docs/sources.md says) keeps them for the persistent session.
    for (let i = 3; i < FILLS.length; i++) await pub.publish("bot1", "events", filled(i), 0);
    const second = await start(broker.url, { dataDir: first.dataDir, clock: first.clock });
    applied = record(second.exporter);
    await until(() => second.exporter.engine.performance("hb-bot1").trades.total === EXPECTED_TRADES.length, "the queued fills");
    expectScenario(second.exporter, [...before, ...applied]);
  });

  it("a broker restart mid-stream: source down (0), reconnect with backoff, nothing lost or doubled", async () => {
    const { exporter, clock } = await start(broker.url, { partial: { health: { stale_after_seconds: 60 } } });
    const applied = record(exporter);
    pub = await publisher(broker.url);
    await subscribed(exporter);
    await pub.publish("bot1", "hb", heartbeat(NOW * 1000));
    for (const i of [0, 1, 2]) await pub.publish("bot1", "events", filled(i));
    await until(() => applied.filter((e) => e.type === "heartbeat").length === 4, "the first messages");
    expect(await up(exporter)).toBe(1);

    await broker.stop();
    await until(async () => (await up(exporter)) === 0, "trading_source_up to drop to 0");
    // A source that stops delivering makes its bot stale like a silent bot.
    clock.advance(60_000);
    expect(await metric(exporter, "trading_bot_stale", { bot: "hb-bot1" })).toBe(1);
    const errorsBefore = (await metric(exporter, "trading_source_errors_total", { source: "hummingbot", reason: "connection" }))!;
    await new Promise((r) => setTimeout(r, 3000));
    const attempts =
      (await metric(exporter, "trading_source_errors_total", { source: "hummingbot", reason: "connection" }))! - errorsBefore;
    // Backoff (1 s, 2 s, capped at reconnect_max_seconds = 2, ±20 %): a handful of attempts in 3 s, not a tight loop.
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(4);

    await broker.start();
    await until(async () => (await up(exporter)) === 1, "the source to reconnect", 15_000);
    for (let i = 3; i < FILLS.length; i++) await pub.publish("bot1", "events", filled(i));
    await until(() => trades(applied).length === EXPECTED_TRADES.length, "the fills after the broker restart");
    expectScenario(exporter, applied);
  });

  it("discovers instances up to max_bots and counts the rest", async () => {
    const { exporter } = await start(broker.url, { partial: { max_bots: 2 }, instances: "*" });
    pub = await publisher(broker.url);
    // With "*" there is no series before the first instance: publish until one is discovered.
    await until(
      async () => (await pub!.publish("a", "hb", heartbeat(NOW * 1000)), exporter.engine.hasBot("hb-a")),
      "discovery of the first instance",
    );
    expect(await up(exporter, "hb-a")).toBe(1);
    for (const id of ["b", "c"]) await pub.publish(id, "hb", heartbeat(NOW * 1000));
    await until(
      async () => (await metric(exporter, "trading_source_errors_total", { source: "hummingbot", reason: "bot_cap" })) === 1,
      "the third instance to be refused",
    );
    expect(exporter.engine.bots().sort()).toEqual(["hb-a", "hb-b"]);
  });
});
