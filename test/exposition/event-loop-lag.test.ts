// nodejs_eventloop_lag_* from event-loop-lag.ts: the series prom-client's own collector writes
// (names, help, type), each once, with values that follow the loop: about the 10 ms timer when
// idle, a held loop in the maximum, and a fresh window after every scrape.
import client, { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { addEventLoopLag, EVENT_LOOP_LAG_NAMES } from "../../src/exposition/event-loop-lag.js";

const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));
function holdLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the loop is busy: the lag timer cannot fire
  }
}

describe("event-loop lag gauges", () => {
  it("replaces prom-client's collector with the same series, each once", async () => {
    const theirs = new Registry();
    client.collectDefaultMetrics({ register: theirs });
    const ours = new Registry();
    client.collectDefaultMetrics({ register: ours });
    addEventLoopLag(ours);
    const describe = async (r: Registry) =>
      (await r.metrics())
        .split("\n")
        .filter((l) => l.startsWith("# ") && EVENT_LOOP_LAG_NAMES.some((n) => l.includes(` ${n} `)))
        .sort();
    const lines = await describe(ours);
    expect(lines).toEqual(await describe(theirs));
    expect(lines).toHaveLength(2 * EVENT_LOOP_LAG_NAMES.length);
  });

  it("reads the 10 ms timer when idle, a held loop as the maximum, and starts afresh after a scrape", async () => {
    const register = new Registry();
    addEventLoopLag(register);
    await register.metrics();
    await idle(300);
    const quiet = await register.metrics();
    expect(value(quiet, "nodejs_eventloop_lag_min_seconds")).toBeGreaterThanOrEqual(0.008);
    expect(value(quiet, "nodejs_eventloop_lag_p50_seconds")).toBeGreaterThanOrEqual(0.008);
    const [p50, p90, p99, max] = ["p50", "p90", "p99", "max"].map((k) => value(quiet, `nodejs_eventloop_lag_${k}_seconds`));
    expect(p50).toBeLessThanOrEqual(p90!);
    expect(p90).toBeLessThanOrEqual(p99!);
    expect(p99).toBeLessThanOrEqual(max! * 1.01);

    holdLoop(400);
    await idle(50);
    const held = await register.metrics();
    expect(value(held, "nodejs_eventloop_lag_max_seconds")).toBeGreaterThanOrEqual(0.4 * 0.99);
    expect(value(held, "nodejs_eventloop_lag_mean_seconds")).toBeGreaterThan(value(quiet, "nodejs_eventloop_lag_mean_seconds"));

    await idle(300);
    const after = await register.metrics();
    // A new window: the held turn was in the last one only.
    expect(value(after, "nodejs_eventloop_lag_max_seconds")).toBeLessThan(value(held, "nodejs_eventloop_lag_max_seconds"));
    // The setImmediate lag of the previous scrape is a small positive number, as prom-client's is.
    expect(value(after, "nodejs_eventloop_lag_seconds")).toBeGreaterThan(0);
  });
});
