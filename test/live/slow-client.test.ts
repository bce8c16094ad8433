// §13: a slow client gets the latest state rather than a growing queue, and is dropped past a
// buffer limit — without holding up the other clients. The slow client is a real WebSocket whose
// TCP socket stops reading: the kernel buffers fill first, then the server-side buffer would grow.
import { afterEach, expect, it } from "vitest";
import type { TradeEvent } from "../../src/domain/events.js";
import { type HubFixture, type TestClient, botState, startHub, until } from "./harness.js";

const KiB = 1024;
const SOFT = 128 * KiB;
const HARD = 512 * KiB;
const PAD = "x".repeat(64 * KiB); // one frame ≈ 64 KiB
const BOTS = ["b0", "b1", "b2", "b3"];
/** Enough to fill any sane loopback socket buffer (kernel receive + send buffers) several times. */
const MAX_ROUNDS = 3000;

let fx: HubFixture;
afterEach(() => fx?.close());

const socketOf = (c: TestClient) => (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
const equityOf = (c: TestClient, bot: string) => {
  const m = c.of("metrics_update", bot).at(-1);
  return m ? (m.data as { equity: number }).equity : undefined;
};

async function setup(): Promise<{ slow: TestClient; fast: TestClient }> {
  fx = await startHub({ metricsIntervalMs: 1, maxBufferedBytes: HARD, softBufferedBytes: SOFT, pingIntervalMs: 600_000 }, BOTS);
  for (const b of BOTS) fx.snapshot.state.set(b, botState(b, 0, PAD));
  const slow = await fx.connect();
  const fast = await fx.connect();
  await slow.count(12);
  await fast.count(12);
  return { slow, fast };
}

it("skips state for a client that stops reading, keeps its buffer bounded, then sends it the latest state", async () => {
  const { slow, fast } = await setup();
  socketOf(slow).pause();

  let maxBuffered = 0;
  let round = 0;
  let roundsPastSoft = 0;
  // Change every bot, wait until the fast client has the new state, repeat — until the slow
  // client's kernel buffers are full and its server-side buffer reached the soft limit, and then
  // 50 rounds more to see that it stays bounded.
  while (roundsPastSoft < 50) {
    round++;
    expect(round, "the slow client's buffer never filled up").toBeLessThan(MAX_ROUNDS);
    for (const b of BOTS) {
      fx.snapshot.state.get(b)!.metrics.equity = round;
      fx.hub.botChanged(b);
    }
    await until(() => BOTS.every((b) => equityOf(fast, b) === round), 1);
    expect(fx.hub.clients(), "state messages alone got the slow client dropped").toBe(2);
    const buffered = Math.max(...fx.hub.bufferedAmounts());
    maxBuffered = Math.max(maxBuffered, buffered);
    if (buffered > SOFT) roundsPastSoft++;
  }
  // Bounded: never more than the soft limit plus the one frame that crossed it.
  expect(maxBuffered).toBeGreaterThan(SOFT);
  expect(maxBuffered).toBeLessThanOrEqual(SOFT + PAD.length + 1024);
  expect(fx.hub.clients()).toBe(2); // state alone never gets a client dropped
  const before = slow.messages.length;

  // The slow client reads again: it catches up with the *latest* state of every bot, not a backlog.
  socketOf(slow).resume();
  await until(() => BOTS.every((b) => equityOf(slow, b) === round));
  const received = slow.messages.length - before;
  expect(received).toBeLessThan(round * BOTS.length); // far fewer than were produced for it
  expect(fast.of("metrics_update").length).toBeGreaterThanOrEqual(round * BOTS.length);
}, 120_000);

it("drops a non-reading client past the hard limit rather than queue trades for it, and the others get every trade", async () => {
  const { slow, fast } = await setup();
  socketOf(slow).pause();
  const N = MAX_ROUNDS;
  let maxBuffered = 0;
  let sent = 0;
  while (fx.hub.clients() === 2) {
    expect(sent, "the slow client was never dropped").toBeLessThan(N);
    for (let i = 0; i < 10; i++) {
      sent++;
      const trade: TradeEvent = { type: "trade", bot: "b0", ts: sent, id: `t${sent}-${PAD}`, pnl: 1 };
      fx.hub.tradeApplied("b0", trade);
    }
    maxBuffered = Math.max(maxBuffered, ...fx.hub.bufferedAmounts());
    await until(() => fast.of("trade").length === sent, 1);
  }
  // 20 more after the drop: the remaining client is unaffected.
  for (let i = 0; i < 20; i++) {
    sent++;
    fx.hub.tradeApplied("b0", { type: "trade", bot: "b0", ts: sent, id: `t${sent}`, pnl: 1 });
  }
  await until(() => fast.of("trade").length === sent);
  expect(fast.of("trade").map((m) => (m.data as { ts: string }).ts)).toEqual(
    Array.from({ length: sent }, (_, i) => new Date(i + 1).toISOString()),
  );
  expect(maxBuffered).toBeLessThanOrEqual(HARD);
  expect(fx.warnings).toContainEqual({ obj: expect.objectContaining({ reason: "slow_client" }), msg: "dropped a websocket client" });
  socketOf(slow).resume();
  await slow.whenClosed(); // it sees the connection end once it reads again
  // Every trade it did receive, it received in order, with none skipped in between.
  const got = slow.of("trade").map((m) => Number(new Date((m.data as { ts: string }).ts)));
  expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
}, 120_000);
