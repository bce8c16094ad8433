// §15 for the ways in that are not a signed POST: while the store cannot take writes the JSONL tail
// keeps its read position where the last stored line ends (its position commits with its events),
// and the Freqtrade webhook answers 503 with Retry-After like /api/v1/events; once the store takes
// writes again the tail stores every line exactly once and a re-sent webhook message is applied.
import { appendFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as M from "../fixtures/freqtrade-webhook/messages.js";
import { eventually } from "../support/eventually.js";
import { startHarness, tempDir, type Harness } from "../support/exporter.js";
import { startWebhookHarness, type WebhookHarness } from "../sources/webhook-harness.js";

let h: Harness | WebhookHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Makes the database unable to grow by a page: SQLite answers SQLITE_FULL as on a full disk. */
function fillDatabase(x: Harness | WebhookHarness) {
  const db = x.exporter.journal.db;
  db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
  return () => db.pragma("max_page_count = 1073741823");
}

/** Breaker lines without ids (the tail gives each one from its offset): a repeat would show as an extra trip. */
function lines(from: number, count: number): string {
  let out = "";
  for (let i = from; i < from + count; i++) {
    out += JSON.stringify({ type: "circuit_breaker", open: true, reason: `cycle ${i}` }) + "\n";
    out += JSON.stringify({ type: "circuit_breaker", open: false }) + "\n";
    out += JSON.stringify({ type: "trade", id: `t${i}`, pnl: 1, symbol: `LINE-${i}`.padEnd(60, "-") }) + "\n";
  }
  return out;
}

describe("ways in while the store cannot take writes (§15)", () => {
  it("the JSONL tail does not move past lines it could not store, then stores each exactly once", { timeout: 60_000 }, async () => {
    const dir = tempDir("jsonl-full-");
    const file = join(dir, "events.jsonl");
    writeFileSync(file, lines(0, 2));
    const harness = await startHarness({ sources: { jsonl: [{ bot: "tail", path: file }] } });
    h = harness;
    const figures = () => {
      const e = harness.exporter.engine;
      return e.hasBot("tail") ? { trades: e.performance("tail").trades.total, trips: e.safety("tail").circuit_breaker.trips } : null;
    };
    await eventually(() => expect(figures()).toEqual({ trades: 2, trips: 2 }));
    const key = `jsonl:tail:${resolve(file)}`;
    const position = harness.exporter.journal.stateGet(key);
    expect(JSON.parse(position!)).toMatchObject({ line: 6 });

    const restore = fillDatabase(harness);
    appendFileSync(file, lines(2, 40));
    // The tail tried and was refused: its source is down, nothing moved.
    await eventually(async () =>
      expect((await harness.get("/metrics")).text).toMatch(/^trading_source_up\{source="jsonl",bot="tail"\} 0$/m),
    );
    expect(harness.exporter.journal.stateGet(key)).toBe(position);
    expect(figures()).toEqual({ trades: 2, trips: 2 });

    restore();
    await eventually(() => expect(figures()).toEqual({ trades: 42, trips: 42 }), 30_000);
    expect(JSON.parse(harness.exporter.journal.stateGet(key)!)).toMatchObject({ line: 42 * 3 });
    // Nothing later doubles a line.
    appendFileSync(file, lines(42, 1));
    await eventually(() => expect(figures()).toEqual({ trades: 43, trips: 43 }), 30_000);
  });

  it("the Freqtrade webhook answers 503 with Retry-After, and the re-sent message is applied", { timeout: 60_000 }, async () => {
    const harness = await startWebhookHarness();
    h = harness;
    await harness.send(M.STARTUP, "json").expect(200);
    const kill = () => harness.exporter.engine.safety("ft").kill_switch;
    expect(kill().active).toBe(false);

    const restore = fillDatabase(harness);
    // The last pages may still hold a message or two: send until the store is full.
    let refused: Awaited<ReturnType<WebhookHarness["send"]>> | undefined;
    for (let i = 0; i < 500 && refused === undefined; i++) {
      const res = await harness.send(i % 2 === 0 ? M.STATUS_RUNNING : M.STARTUP, "json");
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status, refused?.text).toBe(503);
    expect(refused!.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused!.headers["retry-after"]).toBe("5");
    expect(refused!.body.detail).toContain("SQLITE_FULL");
    // Failing now: refused at once, nothing applied.
    expect((await harness.send(M.STATUS_STOPPED, "json")).status).toBe(503);
    expect(kill().active).toBe(false);
    expect(await harness.metrics()).toMatch(/^trading_source_errors_total\{source="freqtrade_webhook",reason="store_error"\} 2$/m);

    restore();
    // Freqtrade does not retry; the operator's re-send (or the next message) is applied once the probe saw the store recover.
    await eventually(async () => expect((await harness.send(M.STATUS_STOPPED, "json")).status).toBe(200), 30_000, 250);
    expect(kill()).toMatchObject({ active: true, reason: "freqtrade status: stopped" });
  });
});
