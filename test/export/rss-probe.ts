// Streams one HTTP response to nowhere while sampling this process's RSS: the export must not hold
// the whole result in memory (server and client share the process, so RSS covers both).
import { get } from "node:http";
import type { Journal } from "../../src/store/journal.js";
import type { TradingEvent } from "../../src/domain/events.js";

export interface StreamMeasure {
  bytes: number;
  rows: number;
  baselineRss: number;
  peakRss: number;
  ms: number;
}

export async function streamAndSampleRss(url: string, sampleEveryMs = 10): Promise<StreamMeasure> {
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const timer = setInterval(sample, sampleEveryMs);
  const started = performance.now();
  try {
    return await new Promise<StreamMeasure>((resolve, reject) => {
      get(url, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
        let bytes = 0;
        let rows = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
          sample();
        });
        res.on("end", () => resolve({ bytes, rows, baselineRss, peakRss, ms: performance.now() - started }));
        res.on("error", reject);
      }).on("error", reject);
    });
  } finally {
    clearInterval(timer);
  }
}

/** Inserts `n` trades for one bot in transactions of 10,000 (as a busy ingest would). */
export function insertTrades(journal: Journal, bot: string, n: number, t0 = Date.parse("2024-01-01T00:00:00Z")): void {
  const batch = 10_000;
  for (let start = 0; start < n; start += batch) {
    journal.transaction(() => {
      for (let i = start; i < Math.min(n, start + batch); i++) {
        const trade: TradingEvent = {
          type: "trade",
          bot,
          ts: t0 + i * 1000,
          id: `t-${i}`,
          pnl: ((i * 7919) % 200) - 99.5,
          symbol: i % 2 ? "BTC/USDT" : "ETH/USDT",
          side: i % 3 ? "long" : "short",
          opened_at: t0 + i * 1000 - 60_000,
        };
        journal.append(trade, t0);
      }
    });
  }
}
