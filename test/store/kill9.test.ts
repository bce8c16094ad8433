// §10: `kill -9` at any moment loses no acknowledged event and applies none twice. The real
// process takes concurrent signed trades and is killed mid-stream; after a restart on the same data
// directory every acknowledged trade is there exactly once.
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { signedHeaders } from "../../src/domain/signature.js";
import { SECRET, tempDir } from "../support/exporter.js";
import { startExporterProcess, writeConfig } from "../support/process.js";

async function postTrade(url: string, id: string): Promise<boolean> {
  const body = JSON.stringify({ type: "trade", bot: "k9", id, pnl: 1 });
  try {
    const res = await fetch(`${url}/api/v1/trades`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/trades", body) },
      body,
    });
    return res.status === 200;
  } catch {
    return false; // the connection died with the process: not acknowledged
  }
}

describe("kill -9", () => {
  it("keeps every acknowledged trade exactly once", { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const dataDir = join(dir, "data");
    const config = writeConfig(dir, { listen: "127.0.0.1:0", data_dir: dataDir, auth: { hmac_secrets: [SECRET] } });
    const acknowledged = new Set<string>();
    try {
      for (let round = 0; round < 3; round++) {
        const proc = await startExporterProcess(config);
        let next = 0;
        // 8 concurrent senders; the process is killed while requests are in flight.
        const senders = Array.from({ length: 8 }, async () => {
          for (;;) {
            const id = `r${round}-${next++}`;
            if (await postTrade(proc.url, id)) acknowledged.add(id);
            else return;
          }
        });
        // Kill after a number of acknowledgements, not a fixed time: a busy machine answers slower.
        const before = acknowledged.size;
        while (acknowledged.size < before + 20 + round * 10) await new Promise((r) => setTimeout(r, 20));
        await proc.kill9();
        await Promise.all(senders);
      }
      expect(acknowledged.size).toBeGreaterThan(50);

      const proc = await startExporterProcess(config);
      try {
        const realtime = (await (await fetch(`${proc.url}/api/v1/metrics/realtime?bot=k9`)).json()) as {
          bots: Array<{ trades: { total: number } }>;
        };
        const db = new Database(join(dataDir, "trading-exporter.db"), { readonly: true });
        const rows = db
          .prepare("SELECT json_extract(body, '$.id') AS id, COUNT(*) AS n FROM events WHERE type = 'trade' GROUP BY id")
          .all() as Array<{ id: string; n: number }>;
        db.close();
        const stored = new Map(rows.map((r) => [r.id, r.n]));
        const missing = [...acknowledged].filter((id) => !stored.has(id));
        expect(missing).toEqual([]);
        expect(rows.filter((r) => r.n !== 1)).toEqual([]);
        // The engine applied each stored trade once (some unacknowledged ones may have committed too).
        expect(realtime.bots[0]!.trades.total).toBe(stored.size);
        // Re-sending every acknowledged trade changes nothing.
        for (const id of [...acknowledged].slice(0, 20)) expect(await postTrade(proc.url, id)).toBe(true);
        const after = (await (await fetch(`${proc.url}/api/v1/metrics/realtime?bot=k9`)).json()) as typeof realtime;
        expect(after.bots[0]!.trades.total).toBe(stored.size);
      } finally {
        await proc.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
