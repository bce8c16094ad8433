import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { FreqtradeSource, UNLIMITED_POSITIONS, type FreqtradeSourceConfig } from "../../src/sources/freqtrade.js";
import { FakeFreqtrade, type FakeTrade } from "../support/fake-freqtrade.js";
import { CapturingLogger, closeReferenceSinks, createReferenceSink, tradeFigures, type ReferenceSink } from "./reference-sink.js";

const NOW = Date.UTC(2024, 2, 1, 12);
let fake: FakeFreqtrade;
let clock: ManualClock;
let logger: CapturingLogger;
const sources: FreqtradeSource[] = [];

beforeEach(async () => {
  fake = new FakeFreqtrade();
  await fake.listen();
  clock = new ManualClock(NOW);
  logger = new CapturingLogger();
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  await closeReferenceSinks();
  await fake.close();
});

function source(
  sink: ReferenceSink,
  over: Partial<FreqtradeSourceConfig> = {},
  deps: Partial<ConstructorParameters<typeof FreqtradeSource>[1]> = {},
): FreqtradeSource {
  const s = new FreqtradeSource(
    { bot: "ft1", url: over.url ?? fake.url, username: fake.username, password: fake.password, poll_interval_seconds: 30, ...over },
    { sink, state: sink.state, clock, logger, ...deps },
  );
  sources.push(s);
  return s;
}

/** The §3 trade a Freqtrade trade should become, written out independently of the source's code. */
function expectedTrade(t: FakeTrade): Record<string, unknown> {
  return {
    type: "trade",
    bot: "ft1",
    id: String(t.trade_id),
    pnl: t.profit_abs,
    ts: t.close_timestamp,
    symbol: t.pair,
    side: t.is_short ? "short" : "long",
    opened_at: t.open_timestamp,
  };
}

const tradesOffsets = () => fake.requests.filter((r) => r.path === "/api/v1/trades").length;

describe("FreqtradeSource", () => {
  it("pages 1,200 closed trades in 3 pages of 500 and applies each once, matching a direct import", async () => {
    fake.addClosedTrades(1200);
    fake.addOpenTrade();
    fake.addOpenTrade();
    const sink = await createReferenceSink(clock);
    await source(sink).pollOnce();

    expect(tradesOffsets()).toBe(3);
    expect(sink.trades()).toHaveLength(1200);
    expect(new Set(sink.trades().map((t) => (t as { id: string }).id)).size).toBe(1200);

    const direct = await createReferenceSink(clock);
    await direct.ingest(fake.closedTrades().map(expectedTrade));
    await direct.ingest([{ type: "equity", bot: "ft1", equity: fake.balanceTotal() }]);
    expect(sink.trades()).toEqual(direct.trades());
    expect(sink.ofType("equity").at(-1)?.equity).toBe(fake.balanceTotal());
    expect(tradeFigures(sink.engine.performance("ft1"))).toEqual(tradeFigures(direct.engine.performance("ft1")));
    expect(sink.engine.performance("ft1").trades.total).toBe(1200);
    expect(sink.engine.performance("ft1").equity).toBe(fake.balanceTotal());
    expect(fake.requests.every((r) => r.authorized)).toBe(true);
    expect(source(sink).status()).toMatchObject({ trades_offset: 1200 });
  });

  it("sends only closed trades and never moves the resume offset past a trade that is still open", async () => {
    fake.addClosedTrades(3);
    const early = fake.addOpenTrade(); // id 4
    fake.addClosedTrades(5); // ids 5..9
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.pollOnce();
    expect(sink.trades().map((t) => (t as { id: string }).id)).toEqual(["1", "2", "3", "5", "6", "7", "8", "9"]);
    expect(s.status().trades_offset).toBe(3);

    await s.pollOnce(); // nothing new: nothing re-sent
    expect(sink.trades()).toHaveLength(8);
    expect(sink.duplicates).toBe(0);

    fake.closeTrade(early.trade_id, -7.5, NOW - 1000); // it now sorts before 5..9 in Freqtrade's list
    await s.pollOnce();
    expect(sink.trades().map((t) => (t as { id: string }).id)).toEqual(["1", "2", "3", "5", "6", "7", "8", "9", "4"]);
    expect(sink.trades().at(-1)).toMatchObject({ pnl: -7.5, ts: NOW - 1000 });
    expect(s.status().trades_offset).toBe(9);
  });

  it("does not trust an empty /status while Freqtrade is stopped (old versions answer [] then)", async () => {
    fake.statusEmptyWhenStopped = true;
    fake.addClosedTrades(2);
    const open = fake.addOpenTrade();
    fake.addClosedTrades(2);
    fake.state = "stopped";
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.pollOnce();
    expect(sink.trades()).toHaveLength(4);
    expect(s.status().trades_offset).toBe(0);
    fake.state = "running";
    fake.closeTrade(open.trade_id, 1.25, NOW);
    await s.pollOnce();
    expect(sink.trades().map((t) => (t as { id: string }).id)).toEqual(["1", "2", "4", "5", "3"]);
  });

  it("also handles a trade list that contains open trades (older Freqtrade)", async () => {
    fake.historyIncludesOpen = true;
    fake.addClosedTrades(2);
    const open = fake.addOpenTrade();
    fake.addClosedTrades(2);
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.pollOnce();
    expect(sink.trades()).toHaveLength(4);
    expect(s.status().trades_offset).toBe(2);
    fake.closeTrade(open.trade_id, 3, NOW);
    await s.pollOnce();
    expect(sink.trades().map((t) => (t as { id: string }).id)).toEqual(["1", "2", "4", "5", "3"]);
  });

  it("resumes mid-history after a restart: every trade applied exactly once, same figures as a direct import", async () => {
    fake.addClosedTrades(1200);
    const sink = await createReferenceSink(clock);
    const first = source(sink);
    // The store fails on the second page: the first instance dies having acknowledged page 1 only.
    const realIngest = sink.ingest.bind(sink);
    let calls = 0;
    sink.ingest = async (events) => {
      calls += 1;
      if (calls === 2) throw new Error("simulated crash while storing page 2");
      return realIngest(events);
    };
    await first.pollOnce();
    expect(sink.trades()).toHaveLength(500);
    expect(first.status()).toMatchObject({ ok: false, trades_offset: 500 });
    await first.stop();
    sink.ingest = realIngest;

    fake.requests.length = 0;
    const second = source(sink);
    await second.pollOnce();
    expect(tradesOffsets()).toBe(2); // resumed at offset 500: pages 500 and 1000, not 0
    expect(sink.trades()).toHaveLength(1200);
    expect(sink.duplicates).toBe(0);
    await second.pollOnce();
    expect(sink.trades()).toHaveLength(1200);

    const direct = await createReferenceSink(clock);
    await direct.ingest(fake.closedTrades().map(expectedTrade));
    await direct.ingest([{ type: "equity", bot: "ft1", equity: fake.balanceTotal() }]);
    expect(sink.trades()).toEqual(direct.trades());
    expect(tradeFigures(sink.engine.performance("ft1"))).toEqual(tradeFigures(direct.engine.performance("ft1")));
  });

  it("re-sends trades after a restart that lost the in-memory state; the sink dedupes them", async () => {
    fake.addOpenTrade();
    fake.addClosedTrades(10);
    const sink = await createReferenceSink(clock);
    await source(sink).pollOnce();
    await source(sink).pollOnce(); // new instance: offset 0 (blocked by trade 1), so all 10 come again
    expect(sink.trades()).toHaveLength(10);
    expect(sink.duplicates).toBe(10);
  });

  it("keeps polling on a 401: status and log explain it without the password", async () => {
    fake.addClosedTrades(5);
    const sink = await createReferenceSink(clock);
    const s = source(sink, { password: "wrong-Secret-123" });
    await s.pollOnce();
    await s.pollOnce();
    const st = s.status();
    expect(st.ok).toBe(false);
    expect(st.last_error).toMatch(/401/);
    expect(st.errors_total).toBe(2);
    expect(sink.trades()).toHaveLength(0);
    expect(sink.ofType("api_status").map((e) => e.status)).toEqual(["degraded"]);
    expect(s.nextDelayMs()).toBe(60_000); // backing off
    expect(logger.lines.some((l) => l.level === "error" && /401/.test(l.msg ?? ""))).toBe(true);
    const everything = JSON.stringify(st) + logger.text();
    expect(everything).not.toContain("wrong-Secret-123");
    expect(everything).not.toContain(Buffer.from(`${fake.username}:wrong-Secret-123`).toString("base64"));
  });

  it("rides out a 502 outage with backoff and disconnected status, then recovers", async () => {
    fake.addClosedTrades(4);
    fake.down = true;
    const sink = await createReferenceSink(clock);
    const s = source(sink, {}, { maxBackoffMs: 100_000 });
    for (let i = 0; i < 4; i++) await s.pollOnce();
    expect(sink.ofType("api_status").map((e) => e.status)).toEqual(["degraded", "disconnected"]);
    expect(s.status()).toMatchObject({ ok: false, consecutive_failures: 4, errors_total: 4, api_status: "disconnected" });
    expect(s.status().last_error).toMatch(/502/);
    expect(s.nextDelayMs()).toBe(100_000); // 30 s · 2³ = 240 s, capped

    fake.down = false;
    await s.pollOnce();
    expect(s.status()).toMatchObject({ ok: true, consecutive_failures: 0, last_error: null, api_status: "connected" });
    expect(s.nextDelayMs()).toBe(30_000);
    expect(sink.trades()).toHaveLength(4);
    expect(sink.ofType("api_status").at(-1)?.status).toBe("connected");
  });

  it("survives connection refused in its own timer loop without an unhandled rejection", async () => {
    const url = fake.url;
    await fake.close();
    const sink = await createReferenceSink(clock);
    const s = source(sink, { url, poll_interval_seconds: 0.01 }, { maxBackoffMs: 20 });
    s.start();
    for (let i = 0; i < 500 && s.status().consecutive_failures < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await s.stop();
    expect(s.status().consecutive_failures).toBeGreaterThanOrEqual(3);
    expect(s.status().last_error).toMatch(/ECONNREFUSED/);
    expect(sink.ofType("api_status").map((e) => e.status)).toEqual(["degraded", "disconnected"]);
  });

  it("reports unlimited max_open_trades (-1) with a sentinel max, so utilization stays ~0", async () => {
    fake.maxOpenTrades = -1;
    fake.addOpenTrade();
    fake.addOpenTrade();
    const sink = await createReferenceSink(clock);
    await source(sink).pollOnce();
    expect(sink.ofType("positions")).toMatchObject([{ open: 2, max: UNLIMITED_POSITIONS }]);
    const { positions } = sink.engine.safety("ft1");
    expect(positions.open).toBe(2);
    expect(positions.utilization).toBeLessThan(1e-6);
  });

  it("emits positions, heartbeat, equity only on change; heartbeat carries last_process_ts", async () => {
    fake.addOpenTrade();
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.pollOnce();
    await s.pollOnce();
    expect(sink.ofType("positions")).toMatchObject([{ open: 1, max: 3 }]);
    expect(sink.ofType("heartbeat").map((e) => e.ts)).toEqual([1_700_000_000_000]);
    expect(sink.ofType("equity")).toHaveLength(1);
    fake.lastProcessTs = 1_700_000_005;
    await s.pollOnce();
    expect(sink.ofType("heartbeat").map((e) => e.ts)).toEqual([1_700_000_000_000, 1_700_000_005_000]);
  });

  it("turns a stopped Freqtrade into an active kill switch, once, and back", async () => {
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.pollOnce();
    fake.state = "stopped";
    await s.pollOnce();
    await s.pollOnce();
    fake.state = "running";
    await s.pollOnce();
    expect(sink.ofType("kill_switch").map(({ active, reason }) => ({ active, reason }))).toEqual([
      { active: false, reason: undefined },
      { active: true, reason: "freqtrade state: stopped" },
      { active: false, reason: undefined },
    ]);
    // /count answers 502 while stopped: expected, not an API problem
    expect(sink.ofType("api_status").map((e) => e.status)).toEqual(["connected"]);
  });

  it("opens the circuit breaker on a global lock only, with the lock's reason", async () => {
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    fake.locks = [{ id: 1, pair: "BTC/USDT", reason: "pair stoploss", lock_end_timestamp: NOW + 60_000, active: true }];
    await s.pollOnce();
    fake.locks.push({
      id: 2,
      pair: "*",
      reason: "StoplossGuard: 4 stoplosses in 60 min",
      lock_end_timestamp: NOW + 3_600_000,
      active: true,
    });
    await s.pollOnce();
    await s.pollOnce();
    fake.locks = [];
    await s.pollOnce();
    expect(sink.ofType("circuit_breaker").map(({ open, reason }) => ({ open, reason }))).toEqual([
      { open: false, reason: undefined },
      { open: true, reason: "StoplossGuard: 4 stoplosses in 60 min" },
      { open: false, reason: undefined },
    ]);
  });

  it("retries what the sink failed to store on the next poll", async () => {
    fake.addClosedTrades(3);
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    sink.failNext = 1;
    await s.pollOnce();
    expect(s.status()).toMatchObject({ ok: false, trades_offset: 0 });
    expect(s.status().last_error).toMatch(/simulated storage failure/);
    await s.pollOnce();
    expect(sink.trades()).toHaveLength(3);
    expect(s.status()).toMatchObject({ ok: true, trades_offset: 3 });
  });
});
