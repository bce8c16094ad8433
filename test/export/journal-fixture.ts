// A real journal (the exporter's Journal on a temp SQLite file) and a real HTTP server with the export
// router mounted, for the export tests and the memory bench.
import express from "express";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TradingEvent } from "../../src/domain/events.js";
import { exportRouter } from "../../src/http/export-router.js";
import { Journal } from "../../src/store/journal.js";

export interface ExportFixture {
  journal: Journal;
  baseUrl: string;
  server: Server;
  close(): Promise<void>;
}

export async function startExportFixture(initialEquity: (bot: string) => number = () => 10_000): Promise<ExportFixture> {
  const dir = mkdtempSync(join(tmpdir(), "export-test-"));
  const journal = Journal.open(dir);
  const app = express();
  app.set("query parser", "simple"); // as the exporter's app does
  app.use(exportRouter({ db: journal.db, initialEquity }));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    journal,
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

/** Stores events as the pipeline would (one transaction); returns how many were stored (not duplicates). */
export function store(journal: Journal, events: TradingEvent[], receivedAt = 0): number {
  return journal.transaction(() => events.filter((e) => journal.append(e, receivedAt) !== null).length);
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
