// §15, in process: a store that cannot take writes never ends the process. SQLite itself is made
// to fail (max_page_count: SQLITE_FULL; query_only: SQLITE_READONLY; another connection's lock:
// SQLITE_BUSY): writes answer 503 problem+json with Retry-After and apply nothing, reads keep
// serving, /readyz says why while /healthz stays 200, and writes succeed again without a restart.
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { signedHeaders } from "../../src/domain/signature.js";
import { SECRET, startHarness, type Harness } from "../support/exporter.js";
import { eventually } from "../support/eventually.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A mixed batch with ids: equity, safety and trade events, each applied once when acknowledged. */
function batch(tag: string, trades = 40) {
  return [
    { type: "equity", bot: "s", id: `${tag}-e`, equity: 11_000 },
    { type: "circuit_breaker", bot: "s", id: `${tag}-cb1`, open: true, reason: "loss limit" },
    { type: "circuit_breaker", bot: "s", id: `${tag}-cb2`, open: false },
    { type: "kill_switch", bot: "s", id: `${tag}-k`, active: false },
    ...Array.from({ length: trades }, (_, i) => ({
      type: "trade",
      bot: "s",
      id: `${tag}-t${i}`,
      pnl: 2,
      symbol: `PAIR-${tag}-${i}`.padEnd(60, "x"),
    })),
  ];
}

function figures(x: Harness) {
  const p = x.exporter.engine.performance("s");
  const s = x.exporter.engine.safety("s");
  return { equity: p.equity, trades: p.trades.total, trips: s.circuit_breaker.trips, seq: x.exporter.journal.lastSeq() };
}

const readyz = async (x: Harness) => (await x.get("/readyz")).body as { status: string; reasons: string[] };

async function expectRefused(x: Harness, body: unknown, code: string) {
  const res = await x.post("/api/v1/events", body);
  expect(res.status, res.text).toBe(503);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.headers["retry-after"]).toBe("5");
  expect(res.body).toMatchObject({ status: 503, title: "Service unavailable" });
  expect(res.body.detail).toContain(code);
}

/** Reads while the store fails: the last state, and health that says what is wrong. */
async function expectReadsServed(x: Harness, before: ReturnType<typeof figures>, code: string) {
  expect(figures(x)).toEqual(before);
  const metrics = await x.get("/metrics");
  expect(metrics.status).toBe(200);
  expect(metrics.text).toMatch(/^trading_exporter_store_writes_failing 1$/m);
  expect(metrics.text).toMatch(/^trading_trades_total\{bot="s",outcome="win"\} \d+$/m);
  const realtime = await x.get("/api/v1/metrics/realtime?bot=s");
  expect(realtime.status).toBe(200);
  expect(realtime.body.bots[0].trades.total).toBe(before.trades);
  expect((await x.get("/healthz")).status).toBe(200);
  const ready = await x.get("/readyz");
  expect(ready.status).toBe(503);
  expect(ready.body).toEqual({ status: "not_ready", reasons: [`storage: journal writes failing: ${code}`] });
}

describe("a store that cannot take writes (§15)", () => {
  it(
    "disk full: the batch is refused whole, reads keep serving, and writes succeed again without a restart",
    { timeout: 60_000 },
    async () => {
      h = await startHarness();
      expect((await h.post("/api/v1/events", batch("a"))).status).toBe(200);
      const before = figures(h);
      expect(before).toMatchObject({ equity: 11_000 + 40 * 2, trades: 40, trips: 1 });
      expect(await readyz(h)).toEqual({ status: "ready", reasons: [] });

      // The database may not grow by one page: SQLite answers SQLITE_FULL as on a full disk.
      const db = h.exporter.journal.db;
      db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
      await expectRefused(h, batch("b"), "SQLITE_FULL");
      await expectReadsServed(h, before, "SQLITE_FULL");
      // While failing, even a write that would fit is refused at once, and nothing reaches the journal.
      await expectRefused(h, { type: "heartbeat", bot: "s" }, "SQLITE_FULL");
      expect(h.exporter.journal.lastSeq()).toBe(before.seq);
      const webhookLike = await h.post("/api/v1/trades", { bot: "s", id: "single", pnl: 1 });
      expect([webhookLike.status, webhookLike.headers["retry-after"]]).toEqual([503, "5"]);

      // Room again: the store's probe notices within seconds; no request is needed for that.
      db.pragma("max_page_count = 1073741823");
      await eventually(async () => expect(await readyz(h!)).toEqual({ status: "ready", reasons: [] }), 30_000);
      h.clock.advance(1000); // a retry is signed again (a signature is accepted once)
      const retried = await h.post("/api/v1/events", batch("b"));
      expect(retried.body).toEqual({ accepted: 44, duplicates: 0 });
      expect(figures(h)).toMatchObject({ equity: 11_000 + 40 * 2, trades: 80, trips: 2 });
      expect((await h.get("/metrics")).text).toMatch(/^trading_exporter_store_writes_failing 0$/m);
    },
  );

  it("read-only: refused with SQLITE_READONLY until a new connection can write", { timeout: 60_000 }, async () => {
    h = await startHarness();
    expect((await h.post("/api/v1/events", batch("a", 3))).status).toBe(200);
    const before = figures(h);
    h.exporter.journal.db.pragma("query_only = ON");
    await expectRefused(h, batch("b", 3), "SQLITE_READONLY");
    expect(figures(h)).toEqual(before);
    // The probe opens the file again (a connection SQLite opened read-only stays so); this one can write.
    await eventually(async () => expect(await readyz(h!)).toEqual({ status: "ready", reasons: [] }), 30_000);
    h.clock.advance(1000);
    expect((await h.post("/api/v1/events", batch("b", 3))).body).toEqual({ accepted: 7, duplicates: 0 });
    // The alert store follows the new connection too: a trigger change is written and read back.
    const put = await h.put("/api/v1/alerts/triggers/consecutive_losses", { threshold: 7 });
    expect(put.status, put.text).toBe(200);
    expect((await h.get("/api/v1/alerts/triggers")).text).toContain('"threshold":7');
    // And exports read through it.
    expect((await h.get("/api/v1/export/trades?bot=s")).body).toHaveLength(6);
  });

  it("locked past busy_timeout by another process: refused, then written once the lock is gone", { timeout: 60_000 }, async () => {
    h = await startHarness();
    expect((await h.post("/api/v1/events", batch("a", 3))).status).toBe(200);
    const before = figures(h);
    h.exporter.journal.db.pragma("busy_timeout = 50"); // the default 5 s would only make this test slow
    const other = new Database(h.exporter.journal.file);
    try {
      other.exec("BEGIN IMMEDIATE");
      await expectRefused(h, batch("b", 3), "SQLITE_BUSY");
      await expectReadsServed(h, before, "SQLITE_BUSY");
      other.exec("ROLLBACK");
    } finally {
      other.close();
    }
    await eventually(async () => expect(await readyz(h!)).toEqual({ status: "ready", reasons: [] }), 30_000);
    h.clock.advance(1000);
    expect((await h.post("/api/v1/events", batch("b", 3))).body).toEqual({ accepted: 7, duplicates: 0 });
  });

  for (const via of ["handle", "app"] as const) {
    it(
      `a request refused with 503 is taken when sent again as it was (same bytes and signature; ${via === "handle" ? "the fast path" : "express"})`,
      { timeout: 60_000 },
      async () => {
        h = await startHarness();
        const x = h;
        const raw = JSON.stringify(batch("r", 3));
        const send = () =>
          request(via === "handle" ? x.exporter.handle : x.exporter.app)
            .post("/api/v1/events")
            .set(signedHeaders(SECRET, "POST", "/api/v1/events", raw, x.clock.now()))
            .set("Content-Type", "application/json")
            .send(raw);
        x.exporter.journal.db.pragma("busy_timeout = 50");
        const other = new Database(x.exporter.journal.file);
        try {
          other.exec("BEGIN IMMEDIATE");
          expect((await send()).status).toBe(503);
          other.exec("ROLLBACK");
        } finally {
          other.close();
        }
        await eventually(async () => expect(await readyz(x)).toEqual({ status: "ready", reasons: [] }), 30_000);
        // The clock has not moved: this is the refused request byte for byte, signature included.
        // Nothing of it was stored, so it is no replay; once taken, it is one.
        expect((await send()).body).toEqual({ accepted: 7, duplicates: 0 });
        const replay = await send();
        expect([replay.status, replay.body.detail]).toEqual([401, "signature already used (replay)"]);
      },
    );
  }

  it("says in /readyz when free space is below storage.min_free_bytes, while writes still work", async () => {
    h = await startHarness({ storage: { min_free_bytes: Number.MAX_SAFE_INTEGER } });
    const ready = await h.get("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toHaveLength(1);
    expect(ready.body.reasons[0]).toMatch(
      /^storage: \d+ bytes free for the data directory, below storage\.min_free_bytes \(9007199254740991\)$/,
    );
    expect((await h.post("/api/v1/events", batch("a", 1))).status).toBe(200);
    const metrics = (await h.get("/metrics")).text;
    const free = Number(/^trading_exporter_storage_free_bytes (\S+)$/m.exec(metrics)![1]);
    expect(free).toBeGreaterThan(0);
    expect(metrics).toMatch(/^trading_exporter_storage_min_free_bytes 9007199254740991$/m);
    const database = Number(/^trading_exporter_storage_bytes\{file="database"\} (\S+)$/m.exec(metrics)![1]);
    const wal = Number(/^trading_exporter_storage_bytes\{file="wal"\} (\S+)$/m.exec(metrics)![1]);
    expect(database + wal).toBeGreaterThan(4096);
  });
});
