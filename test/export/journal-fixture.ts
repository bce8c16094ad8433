// A real journal (the exporter's Journal on a temp SQLite file), an engine fed what is stored, and a
// real HTTP server with the export router mounted, for the export tests and the export benches.
import express from "express";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import type { MetricsSettings } from "../../src/domain/snapshots.js";
import { exportRouter, initialEquityResolver } from "../../src/http/export-router.js";
import { Journal } from "../../src/store/journal.js";
import { JournalReaders } from "../../src/store/retention.js";

export interface ExportFixture {
  journal: Journal;
  engine: Engine;
  readers: JournalReaders;
  baseUrl: string;
  server: Server;
  close(): Promise<void>;
}

export const FIXTURE_SETTINGS: MetricsSettings = {
  initial_equity: 10_000,
  window_trades: 100,
  annualization_factor: 365,
  daily_window_days: 90,
  daily_annualization_factor: 365,
  cagr_min_days: 30,
  timezone: "UTC",
  bots: {},
};

export async function startExportFixture(equities: Partial<Pick<MetricsSettings, "initial_equity" | "bots">> = {}): Promise<ExportFixture> {
  const dir = mkdtempSync(join(tmpdir(), "export-test-"));
  const journal = Journal.open(dir);
  const settings = { ...FIXTURE_SETTINGS, ...equities };
  const engine = new Engine(settings, systemClock);
  const readers = new JournalReaders();
  const app = express();
  app.set("query parser", "simple"); // as the exporter's app does
  app.use(
    exportRouter({
      db: journal.db,
      initialEquity: initialEquityResolver(settings),
      equityCurve: (bot) => engine.equityCurve(bot),
      readers,
    }),
  );
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    journal,
    engine,
    readers,
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Stores events as the pipeline would (one transaction), then applies the stored ones to the engine;
 * returns how many were stored (not duplicates).
 */
export function store(fx: Pick<ExportFixture, "journal" | "engine">, events: TradingEvent[], receivedAt = 0): number {
  const stored = fx.journal.transaction(() => events.filter((e) => fx.journal.append(e, receivedAt) !== null));
  for (const e of stored) fx.engine.apply(e);
  return stored.length;
}

/** Minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF) to check what the export wrote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
