// Dispatcher behaviour that needs no network: channels here are in-memory stand-ins whose
// behaviour (hang forever, ignore the abort signal, succeed) is what the test is about.
import { describe, expect, it } from "vitest";
import { Dispatcher } from "../../src/notify/dispatcher.js";
import type { Channel, ChannelName, Delivery, RenderedMessage } from "../../src/notify/types.js";
import { RateGate } from "../../src/notify/rate-gate.js";
import { parseRetryAfter } from "../../src/notify/delivery-error.js";
import { ManualClock } from "../../src/domain/clock.js";
import { T0, capturingLogger, notification } from "./fixtures.js";

/** Records what it was asked to send; `behaviour` decides each attempt's outcome. */
class ScriptedChannel implements Channel {
  readonly sent: string[] = [];
  constructor(
    readonly name: ChannelName,
    private readonly behaviour: (signal: AbortSignal) => Promise<void> = async () => {},
  ) {}
  send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    this.sent.push(message.alertId);
    return this.behaviour(signal);
  }
}

const never = () => new Promise<void>(() => {}); // ignores its AbortSignal entirely
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));

describe("Dispatcher lifecycle", () => {
  it("times out a channel that ignores its abort signal (the attempt is raced against the timer)", async () => {
    const deliveries: Delivery[] = [];
    const d = new Dispatcher({
      channels: [new ScriptedChannel("email", never)],
      timeoutMs: 50,
      attempts: 2,
      backoffMs: 1,
      onDelivery: (_, del) => deliveries.push(del),
    });
    d.dispatch(notification());
    await d.idle();
    expect(deliveries).toEqual([{ channel: "email", ok: false, attempts: 2, error: "timeout after 50 ms", at: expect.any(Number) }]);
  });

  it("stop() aborts the attempt in flight, records what is still queued as not sent, and drops later dispatches", async () => {
    const deliveries: [string, Delivery][] = [];
    const channel = new ScriptedChannel("webhook", untilAborted);
    const d = new Dispatcher({ channels: [channel], timeoutMs: 60_000, onDelivery: (id, del) => deliveries.push([id, del]) });
    d.dispatch(notification({ alert: { id: "a-1" } }));
    d.dispatch(notification({ alert: { id: "a-2" } }));
    await new Promise((r) => setImmediate(r));
    expect(channel.sent).toEqual(["a-1"]);
    await d.stop();
    d.dispatch(notification({ alert: { id: "a-3" } }));
    await d.idle();
    expect(deliveries.map(([id, del]) => [id, del.ok, del.attempts, del.error])).toEqual([
      ["a-2", false, 0, "notifier stopped before sending"],
      ["a-1", false, 1, "notifier stopped"],
    ]);
    expect(channel.sent).toEqual(["a-1"]);
  });

  it("records a notification as failed instead of queueing beyond maxQueue", async () => {
    const deliveries: [string, Delivery][] = [];
    const d = new Dispatcher({
      channels: [new ScriptedChannel("slack", untilAborted)],
      maxQueue: 2,
      timeoutMs: 60_000,
      onDelivery: (id, del) => deliveries.push([id, del]),
    });
    for (const id of ["a-1", "a-2", "a-3"]) d.dispatch(notification({ alert: { id } }));
    expect(deliveries).toEqual([
      ["a-3", { channel: "slack", ok: false, attempts: 0, error: "queue full (2 notifications waiting)", at: expect.any(Number) }],
    ]);
    await d.stop();
  });

  it("survives a throwing onDelivery callback and an unrenderable notification without throwing", async () => {
    const log = capturingLogger();
    const channel = new ScriptedChannel("slack");
    const d = new Dispatcher({
      channels: [channel],
      logger: log,
      onDelivery: () => {
        throw new Error("db locked");
      },
    });
    expect(() => d.dispatch({ kind: "firing" } as never)).not.toThrow();
    d.dispatch(notification());
    await d.idle();
    expect(channel.sent).toEqual(["a-1"]);
    expect(log.lines.map((l) => l.msg)).toEqual(["notification could not be queued", "onDelivery callback failed"]);
  });

  it("idle() resolves at once with nothing queued, and refuses two channels of the same kind", async () => {
    await new Dispatcher({ channels: [] }).idle();
    expect(() => new Dispatcher({ channels: [new ScriptedChannel("slack"), new ScriptedChannel("slack")] })).toThrow(
      "channel slack given twice",
    );
  });
});

describe("RateGate", () => {
  it("starts each send minIntervalMs after the previous one finished, even for concurrent callers", async () => {
    const clock = new ManualClock(T0);
    const waits: number[] = [];
    const gate = new RateGate(1_000, clock, async (ms) => {
      waits.push(ms);
      clock.advance(ms);
    });
    const startedAt: number[] = [];
    const send = async () => {
      startedAt.push(clock.now());
      await new Promise((r) => setImmediate(r));
      clock.advance(50); // the request's round trip
    };
    await Promise.all([gate.run(send), gate.run(send), gate.run(send)]);
    expect(startedAt.map((t) => t - T0)).toEqual([0, 1_050, 2_100]);
    expect(waits).toEqual([1_000, 1_000]);
    clock.advance(5_000);
    await gate.run(send);
    expect(waits).toEqual([1_000, 1_000]); // long after the last send: no wait
  });

  it("a caller aborted while waiting its turn gives up without sending", async () => {
    const clock = new ManualClock(T0);
    const gate = new RateGate(1_000, clock, async () => {});
    let finishFirst: () => void = () => {};
    const first = gate.run(() => new Promise<void>((r) => (finishFirst = r)));
    const ac = new AbortController();
    let secondSent = false;
    const second = gate.run(async () => void (secondSent = true), ac.signal);
    ac.abort();
    await expect(second).rejects.toThrow("aborted");
    finishFirst();
    await first;
    expect(secondSent).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates, and ignores garbage", () => {
    expect(parseRetryAfter("1", T0)).toBe(1_000);
    expect(parseRetryAfter("2.5", T0)).toBe(2_500);
    expect(parseRetryAfter(new Date(T0 + 12_000).toUTCString(), T0)).toBe(12_000);
    expect(parseRetryAfter(new Date(T0 - 12_000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfter("soon", T0)).toBeNull();
    expect(parseRetryAfter(undefined, T0)).toBeNull();
  });
});
