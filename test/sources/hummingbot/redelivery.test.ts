// QoS 1 redelivery and re-published fills are harmless: the fill is stored, the store then "fails"
// before the acknowledgement (as a crash between commit and PUBACK would), the broker redelivers it
// on the resumed session, and the fill's stored id makes the second copy change nothing.
import { rmSync } from "node:fs";
import { afterEach, expect, it } from "vitest";
import { ManualClock } from "../../../src/domain/clock.js";
import type { TradingEvent } from "../../../src/domain/events.js";
import type { MosquittoBroker } from "../../../src/demo/mosquitto.js";
import { Engine } from "../../../src/engine/engine.js";
import { IngestPipeline } from "../../../src/ingest/pipeline.js";
import { silentLogger } from "../../../src/logger.js";
import { SourceHealth } from "../../../src/sources/health.js";
import { HummingbotSource } from "../../../src/sources/hummingbot/source.js";
import type { DurableSink, StateWrite } from "../../../src/sources/types.js";
import { Journal } from "../../../src/store/journal.js";
import { tempDir } from "../../support/exporter.js";
import { TEST_SETTINGS } from "../reference-sink.js";
import { MOSQUITTO, NOW, publisher, startBroker, until, type Publisher } from "./harness.js";
import { EXPECTED_PNL, EXPECTED_TRADES, FILLS, filled } from "./scenario.js";

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

it.skipIf(!MOSQUITTO.path)("a fill redelivered after a lost acknowledgement, or published twice, is applied once", async () => {
  const broker: MosquittoBroker = await startBroker();
  cleanup.push(() => broker.close());
  const dir = tempDir("te-hb-redeliver-");
  const journal = Journal.open(dir);
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => journal.close(),
  );
  const clock = new ManualClock(NOW);
  const engine = new Engine(TEST_SETTINGS, clock);
  const pipeline = new IngestPipeline({
    journal,
    engine,
    clock,
    maxBots: 10,
    logger: silentLogger,
    fingerprint: Engine.settingsFingerprint(TEST_SETTINGS),
  });
  const applied: TradingEvent[] = [];
  pipeline.addListener({ applied: (e) => void applied.push(e) });

  // Stores every batch; for the batch holding trade f3, reports a failure after the commit, once.
  let lostAcks = 0;
  const sink: DurableSink = {
    ingest: (events) => pipeline.ingest(events),
    async ingestWithState(events: unknown[], state: StateWrite[]) {
      const ack = await pipeline.ingestWithState(events, state);
      if (lostAcks === 0 && events.some((e) => (e as { id?: string }).id === "f3")) {
        lostAcks++;
        throw Object.assign(new Error("the process died after the commit"), { status: 503 });
      }
      return ack;
    },
  };
  const health = new SourceHealth();
  const state = { get: (k: string) => journal.stateGet(k), set: (k: string, v: string) => journal.stateSet(k, v) };
  const source = new HummingbotSource(
    { url: broker.url, namespace: "hbot", instances: ["bot1"], bot_prefix: "hb-", reconnect_max_seconds: 1 },
    { sink, state, health, clock, initialEquity: () => 1000, staleAfterSeconds: 600, maxBots: 10, logger: silentLogger },
  );
  source.start();
  cleanup.push(() => source.stop());
  await until(() => health.snapshot().entries.some((e) => e.bot === "hb-bot1" && e.up), "the subscriptions");

  const pub: Publisher = await publisher(broker.url);
  cleanup.push(() => pub.close());
  for (let i = 0; i < FILLS.length; i++) {
    await pub.publish("bot1", "events", filled(i));
    if (FILLS[i]!.id === "f4") await pub.publish("bot1", "events", filled(i)); // Hummingbot re-publishing a fill
  }
  await until(() => applied.filter((e) => e.type === "trade").length === EXPECTED_TRADES.length, "every trade");
  // Give a wrongly doubled copy time to show up.
  await new Promise((r) => setTimeout(r, 500));

  expect(lostAcks).toBe(1);
  const connectionDrops = health.snapshot().errors.find((e) => e.reason === "store_error")!.count;
  expect(connectionDrops).toBe(1);
  // The broker itself resent the unacknowledged message with the DUP flag on the resumed session.
  expect(broker.log()).toMatch(/Sending PUBLISH to trading-exporter-\w+ \(d1, q1/);
  const trades = applied.filter((e): e is Extract<TradingEvent, { type: "trade" }> => e.type === "trade");
  expect(trades.map((t) => t.id)).toEqual(EXPECTED_TRADES.map((t) => t.id));
  expect(engine.performance("hb-bot1").total_pnl).toBeCloseTo(EXPECTED_PNL, 9);
  // One heartbeat per distinct fill: the redelivered f3 and the second f4 added nothing.
  expect(applied.filter((e) => e.type === "heartbeat")).toHaveLength(FILLS.length);
});
