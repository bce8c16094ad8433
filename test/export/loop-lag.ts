// For the event-loop tests and bench (§15: no request holds the loop for more than 50 ms with 1M
// stored events and 100 bots): a journal of a million events built straight into SQLite, and the
// loop's lag measured while a request runs, in the same process as the server.
import { get } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { TradingEvent } from "../../src/domain/events.js";
import type { ExportFixture } from "./journal-fixture.js";

const T0 = Date.parse("2024-01-01T00:00:00Z");

export interface EventMix {
  events: number;
  trades: number;
  bots: string[];
}

/**
 * Writes `n` events spread over `botCount` bots (trades, equity marks, cash flows, heartbeats) in
 * transactions of 100,000 rows with one prepared INSERT, and applies them to the fixture's engine.
 * Much faster than the pipeline; the fixture's journal must not be appended to afterwards.
 */
export function insertEventMix(fx: ExportFixture, n: number, botCount = 100): EventMix {
  const bots = Array.from({ length: botCount }, (_, i) => `bot-${String(i).padStart(3, "0")}`);
  const insert = fx.journal.db.prepare("INSERT INTO events (seq, bot, type, ts, received_at, body) VALUES (?, ?, ?, ?, ?, ?)");
  let trades = 0;
  for (let start = 0; start < n; start += 100_000) {
    const batch: TradingEvent[] = [];
    for (let i = start; i < Math.min(n, start + 100_000); i++) {
      const bot = bots[i % botCount]!;
      const ts = T0 + i * 100;
      const kind = i % 20;
      const event: TradingEvent =
        kind < 16
          ? { type: "trade", bot, ts, id: `t${i}`, pnl: ((i * 7919) % 200) - 99.5, symbol: i % 2 ? "BTC/USDT" : "ETH/USDT", side: "long" }
          : kind < 18
            ? { type: "equity", bot, ts, equity: 9000 + ((i * 31) % 2000) }
            : kind < 19
              ? { type: "cashflow", bot, ts, id: `c${i}`, amount: 100 }
              : { type: "heartbeat", bot, ts };
      if (event.type === "trade") trades++;
      batch.push(event);
    }
    fx.journal.db.transaction(() => {
      batch.forEach((e, k) => insert.run(start + k + 1, e.bot, e.type, e.ts, T0, JSON.stringify(e)));
    })();
    for (const e of batch) fx.engine.apply(e);
  }
  return { events: n, trades, bots };
}

export interface LoopLag {
  /**
   * The longest the loop was held: perf_hooks' event-loop delay monitor samples every 5 ms and
   * records the time between samples; this is the longest of those less the 5 ms.
   */
  max_ms: number;
  /** The same at the 99th percentile of the samples. */
  p99_ms: number;
  /** The longest a 5 ms interval timer fired late (a second, independent look). */
  interval_max_late_ms: number;
  /**
   * The most CPU time this process used between two ticks of that timer, less the 5 ms: how long
   * the loop was held by work, without the time a loaded machine kept the process waiting for a
   * core (which a wall-clock lag counts too). GC and other threads' CPU count as well: an upper bound.
   */
  cpu_max_ms: number;
  seconds: number;
}

const RESOLUTION_MS = 5;

/** Runs `work` while measuring how long the event loop is held. */
export async function measureLoopLag<T>(work: () => Promise<T>): Promise<{ result: T; lag: LoopLag }> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let late = 0;
  let cpuMax = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    late = Math.max(late, now - last - RESOLUTION_MS);
    cpuMax = Math.max(cpuMax, (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000 - RESOLUTION_MS);
    last = now;
    lastCpu = cpu;
  }, RESOLUTION_MS);
  histogram.enable();
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    histogram.disable();
    const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100);
    return {
      result,
      lag: {
        max_ms: ms(histogram.max),
        p99_ms: ms(histogram.percentile(99)),
        interval_max_late_ms: Math.round(late * 100) / 100,
        cpu_max_ms: Math.max(0, Math.round(cpuMax * 100) / 100),
        seconds: Math.round(seconds * 1000) / 1000,
      },
    };
  } finally {
    clearInterval(timer);
    histogram.disable();
  }
}

/** Reads a whole response, counting bytes and lines (CSV rows); keeps the body only when asked. */
export function drain(url: string, keepBody = false): Promise<{ status: number; bytes: number; lines: number; body?: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let bytes = 0;
      let lines = 0;
      const keep = keepBody;
      let body = "";
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep) body += chunk.toString("utf8");
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, lines, ...(keep ? { body } : {}) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}
