// §15 for real: the data directory on a tmpfs remounted read-only. Linux refuses `remount,ro` while
// a file on it is open for writing, so the exporter is stopped for it (once cleanly, once with
// kill -9, which leaves the -wal and -shm behind) and started on the read-only directory: it serves
// the stored state with /readyz 503 and refuses writes with 503; `remount,rw` while it runs lets
// writes succeed again without a restart. A last restart finds every acknowledged trade once.
import Database from "better-sqlite3";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { SECRET, tempDir } from "../support/exporter.js";
import { eventually } from "../support/eventually.js";
import { startExporterProcess, writeConfig, type ExporterProcess } from "../support/process.js";
import { getJson, getText, postSigned } from "../support/signed-fetch.js";
import { mountTmpfs, tmpfsSkipReason, type Tmpfs } from "../support/tmpfs.js";

const skip = tmpfsSkipReason();

const batch = (tag: string, n = 20) => [
  { type: "equity", bot: "ro", id: `${tag}-e`, equity: 15_000 },
  { type: "kill_switch", bot: "ro", id: `${tag}-k`, active: false },
  ...Array.from({ length: n }, (_, i) => ({ type: "trade", bot: "ro", id: `${tag}-${i}`, pnl: 2 })),
];
const tradeIds = (tag: string, n = 20) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

async function trades(url: string): Promise<number> {
  const body = (await getJson(url, "/api/v1/metrics/realtime?bot=ro")).body as { bots: Array<{ trades: { total: number } }> };
  return body.bots[0]!.trades.total;
}

describe.skipIf(skip)("read-only data directory (a real tmpfs remounted ro)", () => {
  let fs: Tmpfs;
  let dir: string;
  let proc: ExporterProcess | undefined;
  beforeAll(() => {
    fs = mountTmpfs("16m");
    dir = tempDir("read-only-");
  });
  afterAll(async () => {
    if (proc && proc.child.exitCode === null) await proc.kill9();
    try {
      fs?.remount("rw");
    } catch {
      // already rw, or never mounted
    }
    fs?.unmount();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts read-only, serves the stored state, refuses writes, and takes them once remounted rw", { timeout: 180_000 }, async () => {
    onTestFailed(() => console.log(proc?.output()));
    const dataDir = join(fs.dir, "data");
    mkdirSync(dataDir);
    // 1 MiB: the 16 MiB disk has room, so read-only is the only reason not to be ready.
    const config = writeConfig(dir, {
      listen: "127.0.0.1:0",
      data_dir: dataDir,
      auth: { hmac_secrets: [SECRET] },
      storage: { min_free_bytes: 1024 * 1024 },
    });
    const acknowledged = new Set<string>();
    proc = await startExporterProcess(config);
    expect((await postSigned(proc.url, "/api/v1/events", batch("w0")))?.status).toBe(200);
    tradeIds("w0").forEach((id) => acknowledged.add(id));

    for (const [round, stop] of [
      [1, "clean stop"],
      [2, "kill -9"],
    ] as const) {
      if (stop === "clean stop") expect(await proc.stop()).toBe(0);
      else await proc.kill9();
      fs.remount("ro");

      proc = await startExporterProcess(config);
      const url = proc.url;
      expect(await trades(url)).toBe(acknowledged.size);
      const metrics = await getText(url, "/metrics");
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^trading_exporter_store_writes_failing 1$/m);
      expect(metrics.text).toContain(`trading_trades_total{bot="ro",outcome="win"} ${acknowledged.size}`);
      expect((await getJson(url, "/healthz")).status).toBe(200);
      const ready = await getJson(url, "/readyz");
      expect(ready.status, stop).toBe(503);
      expect((ready.body as { reasons: string[] }).reasons, stop).toEqual([
        expect.stringMatching(/^storage: journal writes failing: SQLITE_READONLY/),
      ]);

      const refused = await postSigned(url, "/api/v1/events", batch(`r${round}`));
      expect(refused?.status).toBe(503);
      expect(refused!.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(refused!.headers.get("retry-after")).toBe("5");
      expect((refused!.body as { detail: string }).detail).toContain("SQLITE_READONLY");
      expect(await trades(url)).toBe(acknowledged.size);

      fs.remount("rw");
      await eventually(async () => expect((await getJson(url, "/readyz")).body).toEqual({ status: "ready", reasons: [] }), 60_000, 250);
      expect((await postSigned(url, "/api/v1/events", batch(`w${round}`)))?.body).toEqual({ accepted: 22, duplicates: 0 });
      tradeIds(`w${round}`).forEach((id) => acknowledged.add(id));
      expect(await trades(url)).toBe(acknowledged.size);
      expect(proc.child.exitCode).toBeNull();
    }

    expect(await proc.stop()).toBe(0);
    proc = await startExporterProcess(config);
    expect(await trades(proc.url)).toBe(acknowledged.size);
    await proc.stop();
    const db = new Database(join(dataDir, "trading-exporter.db"), { readonly: true });
    const rows = db
      .prepare("SELECT json_extract(body, '$.id') AS id, COUNT(*) AS n FROM events WHERE type = 'trade' GROUP BY id")
      .all() as Array<{ id: string; n: number }>;
    db.close();
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
  });
});
