// Every figure an exporter shows, read through its HTTP surface, for the retention and snapshot
// tests: two exporters that must agree are compared with one toEqual.
import Database from "better-sqlite3";
import { PassThrough } from "node:stream";
import { join } from "node:path";
import request from "supertest";
import { expect } from "vitest";
import type { Clock } from "../../src/domain/clock.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { createLogger } from "../../src/logger.js";
import { testConfig } from "../support/exporter.js";

export interface Running {
  exporter: Exporter;
  /** Log lines (JSON) written since start. */
  logs: string[];
  close(): Promise<void>;
}

/** A real exporter on `dataDir` with the shared, hand-moved clock and a logger whose lines are kept. */
export async function openExporter(
  partial: Record<string, unknown>,
  dataDir: string,
  clock: Clock,
  snapshotEvery?: number,
): Promise<Running> {
  const logs: string[] = [];
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => logs.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
  const exporter = await createExporter(testConfig(partial, dataDir), { clock, logger: createLogger("info", stream), snapshotEvery });
  return { exporter, logs, close: () => exporter.close() };
}

/**
 * The exporter's own series (§9 "Exporter", counted by this process since it started, or about the
 * store itself) and prom-client's process series: not figures of the bots.
 */
const SELF_SERIES =
  /^(process_|nodejs_|trading_(events_total|events_rejected_total|duplicate_trades_total|exporter_|websocket_clients|notification|store_|journal_))/;

export interface Figures {
  realtime: unknown;
  bots: Record<string, { realtime: unknown; equity: unknown; equityCsv: string }>;
  groups: unknown;
  health: unknown;
  safety: unknown;
  triggers: unknown;
  alerts: unknown;
  metrics: string[];
}

export async function figures(exporter: Exporter): Promise<Figures> {
  const agent = request(exporter.app);
  const get = async (path: string) => {
    const res = await agent.get(path);
    expect(res.status, `${path}: ${res.text}`).toBe(200);
    return res;
  };
  const bots: Figures["bots"] = {};
  for (const bot of exporter.engine.bots()) {
    bots[bot] = {
      realtime: (await get(`/api/v1/metrics/realtime?bot=${bot}`)).body,
      equity: (await get(`/api/v1/export/equity?bot=${bot}`)).body,
      equityCsv: (await get(`/api/v1/export/equity?bot=${bot}&format=csv&max_points=50`)).text,
    };
  }
  return {
    realtime: (await get("/api/v1/metrics/realtime")).body,
    bots,
    groups: (await get("/api/v1/groups/realtime")).body,
    health: (await get("/api/v1/health/status")).body,
    safety: (await get("/api/v1/health/safety")).body,
    triggers: (await get("/api/v1/alerts/triggers")).body,
    // Alert ids are random per exporter; everything else of a record must agree.
    alerts: (await get("/api/v1/alerts/history?limit=1000")).body.alerts.map(({ id: _id, ...rest }: { id: string }) => rest),
    metrics: (await get("/metrics")).text.split("\n").filter((l) => l !== "" && !SELF_SERIES.test(l.replace(/^# (HELP|TYPE) /, ""))),
  };
}

/** Trades as the export gives them, per bot. */
export async function exportedTrades(exporter: Exporter): Promise<Record<string, Array<{ id: string }>>> {
  const res = await request(exporter.app).get("/api/v1/export/trades");
  expect(res.status).toBe(200);
  const out: Record<string, Array<{ id: string }>> = {};
  for (const t of res.body as Array<{ bot: string; id: string }>) (out[t.bot] ??= []).push(t);
  return out;
}

/** Runs `sql` on the exporter's database file while no exporter has it open. */
export function withDatabase<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, "trading-exporter.db"));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A deterministic stream of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
