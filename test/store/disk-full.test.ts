// §15 for real: the exporter process on a 16 MiB tmpfs that is then filled to the last byte. Writes
// get 503 with Retry-After and apply nothing, reads and /healthz keep answering, /readyz says why,
// the process stays up; with the filler deleted writes succeed again without a restart; and after a
// restart every acknowledged trade is there exactly once, none of the refused ones unless re-sent.
// A start on the full disk serves the stored state and recovers the same way.
import Database from "better-sqlite3";
import { mkdirSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { SECRET, tempDir } from "../support/exporter.js";
import { eventually } from "../support/eventually.js";
import { startExporterProcess, writeConfig, type ExporterProcess } from "../support/process.js";
import { getJson, getText, postSigned, type Reply } from "../support/signed-fetch.js";
import { fillUp, mountTmpfs, tmpfsSkipReason, type Tmpfs } from "../support/tmpfs.js";

const skip = tmpfsSkipReason();

/** A batch of `n` trades with ids `<tag>-<i>`, an equity report and a breaker trip before them. */
function batch(tag: string, n = 50) {
  return [
    { type: "equity", bot: "df", id: `${tag}-e`, equity: 20_000 },
    { type: "circuit_breaker", bot: "df", id: `${tag}-cb`, open: true, reason: "tripped" },
    { type: "circuit_breaker", bot: "df", id: `${tag}-cbc`, open: false },
    ...Array.from({ length: n }, (_, i) => ({
      type: "trade",
      bot: "df",
      id: `${tag}-${i}`,
      pnl: 1,
      symbol: `${tag}/${i}`.padEnd(48, "."),
    })),
  ];
}
const tradeIds = (tag: string, n = 50) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

function expectStoreRefusal(reply: Reply | null) {
  expect(reply?.status).toBe(503);
  expect(reply!.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(reply!.headers.get("retry-after")).toBe("5");
  expect((reply!.body as { detail: string }).detail).toContain("SQLITE_FULL");
}

async function realtime(url: string) {
  const body = (await getJson(url, "/api/v1/metrics/realtime?bot=df")).body as {
    bots: Array<{ equity: number; trades: { total: number } }>;
  };
  return { equity: body.bots[0]!.equity, trades: body.bots[0]!.trades.total };
}

describe.skipIf(skip)("disk full (a real tmpfs)", () => {
  let fs: Tmpfs;
  let dir: string;
  let proc: ExporterProcess | undefined;
  beforeAll(() => {
    fs = mountTmpfs("16m");
    dir = tempDir("disk-full-");
  });
  afterAll(async () => {
    if (proc && proc.child.exitCode === null) await proc.kill9();
    fs?.unmount();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses writes with 503 while full, keeps reading, and recovers by itself when space is freed", { timeout: 180_000 }, async () => {
    onTestFailed(() => console.log(proc?.output()));
    const dataDir = join(fs.dir, "data");
    mkdirSync(dataDir);
    // 1 MiB, so a 16 MiB disk is ready before it is filled and again after it is emptied.
    const config = writeConfig(dir, {
      listen: "127.0.0.1:0",
      data_dir: dataDir,
      auth: { hmac_secrets: [SECRET] },
      storage: { min_free_bytes: 1024 * 1024 },
    });
    proc = await startExporterProcess(config);
    const url = proc.url;
    const acknowledged = new Set<string>();
    for (const tag of ["a0", "a1"]) {
      expect((await postSigned(url, "/api/v1/events", batch(tag)))?.status).toBe(200);
      tradeIds(tag).forEach((id) => acknowledged.add(id));
    }
    expect((await getJson(url, "/readyz")).body).toEqual({ status: "ready", reasons: [] });

    const filler = join(fs.dir, "filler");
    expect(fillUp(filler)).toBeGreaterThan(8 * 1024 * 1024);

    // The WAL may still have room of its own: keep writing until the store says it is full.
    const refused: string[] = [];
    let first: Reply | null = null;
    for (let i = 0; i < 2000 && first === null; i++) {
      const reply = await postSigned(url, "/api/v1/events", batch(`f${i}`));
      if (reply?.status === 200) tradeIds(`f${i}`).forEach((id) => acknowledged.add(id));
      else {
        first = reply;
        refused.push(`f${i}`);
      }
    }
    expectStoreRefusal(first);
    const figures = await realtime(url);
    expect(figures.trades).toBe(acknowledged.size);

    // Failing now: every write is refused and nothing of it is applied (equity, breaker, trades).
    for (const tag of ["g0", "g1", "g2"]) {
      expectStoreRefusal(await postSigned(url, "/api/v1/events", batch(tag, 3)));
      refused.push(tag);
    }
    expectStoreRefusal(await postSigned(url, "/api/v1/trades", { bot: "df", id: "single", pnl: 5 }));
    expect(await realtime(url)).toEqual(figures);

    const metrics = await getText(url, "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^trading_exporter_store_writes_failing 1$/m);
    expect(metrics.text).toMatch(/^trading_exporter_storage_free_bytes 0$/m);
    expect(metrics.text).toContain(`trading_trades_total{bot="df",outcome="win"} ${acknowledged.size}`);
    expect((await getJson(url, "/api/v1/health/safety?bot=df")).status).toBe(200);
    expect((await getJson(url, "/healthz")).status).toBe(200);
    const ready = await getJson(url, "/readyz");
    expect(ready.status).toBe(503);
    expect((ready.body as { reasons: string[] }).reasons).toEqual([
      "storage: journal writes failing: SQLITE_FULL",
      "storage: 0 bytes free for the data directory, below storage.min_free_bytes (1048576)",
    ]);
    expect(proc.child.exitCode).toBeNull();

    // Space again: no restart, no request needed for the store to notice.
    unlinkSync(filler);
    await eventually(async () => expect((await getJson(url, "/readyz")).body).toEqual({ status: "ready", reasons: [] }), 60_000, 250);
    const resent = refused.slice(0, 2);
    for (const tag of resent) {
      const n = tag.startsWith("g") ? 3 : 50;
      expect((await postSigned(url, "/api/v1/events", batch(tag, n)))?.body).toEqual({ accepted: n + 3, duplicates: 0 });
      tradeIds(tag, n).forEach((id) => acknowledged.add(id));
    }
    expect((await getText(url, "/metrics")).text).toMatch(/^trading_exporter_store_writes_failing 0$/m);
    expect(proc.child.exitCode).toBeNull();

    // Full again, stopped and started so: the start serves what is stored, and refuses writes.
    fillUp(filler);
    for (let i = 0; i < 2000; i++) {
      const reply = await postSigned(url, "/api/v1/events", batch(`h${i}`));
      if (reply?.status !== 200) break;
      tradeIds(`h${i}`).forEach((id) => acknowledged.add(id));
    }
    expect(await proc.stop()).toBe(0);
    proc = await startExporterProcess(config);
    expect((await realtime(proc.url)).trades).toBe(acknowledged.size);
    expectStoreRefusal(await postSigned(proc.url, "/api/v1/events", batch("j0", 3)));
    expect((await getJson(proc.url, "/readyz")).body).toEqual({
      status: "not_ready",
      reasons: [
        "storage: journal writes failing: SQLITE_FULL",
        "storage: 0 bytes free for the data directory, below storage.min_free_bytes (1048576)",
      ],
    });
    expect((await getJson(proc.url, "/healthz")).status).toBe(200);
    unlinkSync(filler);
    await eventually(async () => expect((await getJson(proc!.url, "/readyz")).body).toEqual({ status: "ready", reasons: [] }), 60_000, 250);
    expect((await postSigned(proc.url, "/api/v1/events", batch("j0", 3)))?.body).toEqual({ accepted: 6, duplicates: 0 });
    tradeIds("j0", 3).forEach((id) => acknowledged.add(id));

    // A restart on the same directory: every acknowledged trade once, no refused one that was not re-sent.
    expect(await proc.stop()).toBe(0);
    proc = await startExporterProcess(config);
    expect((await realtime(proc.url)).trades).toBe(acknowledged.size);
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
