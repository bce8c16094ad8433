// The ingest fast path (src/http/ingest-fast-path.ts) against the express route it stands in for:
// two exporters in the same state get the same requests, one through what the server runs
// (`handle`), one through the express app alone; every reply must be the same but for the ETag,
// which only express sends. That difference also shows which path answered.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/domain/signature.js";
import { SECRET, startHarness, type Harness } from "../support/exporter.js";

const trade = (id: string, pnl: number, bot = "alpha") => ({ type: "trade", bot, id, pnl });

interface Case {
  name: string;
  path: string;
  raw: string;
  /** Headers besides the signature; `signature: false` sends none, `secret` signs with another. */
  headers?: Record<string, string>;
  signature?: false | { secret?: string; ageMs?: number; signedRaw?: string; signedPath?: string };
  /** Whether the fast path answers it (else express does, through the fallback). */
  fast: boolean;
  status: number;
}

const json = (v: unknown) => JSON.stringify(v);
const CASES: Case[] = [
  { name: "one trade", path: "/api/v1/events", raw: json(trade("t1", 25)), fast: true, status: 200 },
  {
    name: "a batch with a duplicate",
    path: "/api/v1/events",
    raw: json([trade("t2", 10), trade("t3", -4), trade("t2", 10)]),
    fast: true,
    status: 200,
  },
  {
    name: "a trade sent again (other bytes, so not a replay)",
    path: "/api/v1/events",
    raw: json([trade("t1", 25)]),
    fast: true,
    status: 200,
  },
  { name: "/trades defaults the type", path: "/api/v1/trades", raw: json({ bot: "alpha", id: "t4", pnl: 3 }), fast: true, status: 200 },
  {
    name: "a charset in the content type",
    path: "/api/v1/events",
    raw: json(trade("t5", 1)),
    headers: { "Content-Type": "application/json; charset=utf-8" },
    fast: true,
    status: 200,
  },
  { name: "a query string", path: "/api/v1/events?source=cron", raw: json(trade("t6", 2)), fast: false, status: 200 },
  {
    name: "a wrong secret",
    path: "/api/v1/events",
    raw: json(trade("w1", 1)),
    signature: { secret: "not-the-secret-at-all-000" },
    fast: true,
    status: 401,
  },
  {
    name: "a body changed after signing",
    path: "/api/v1/events",
    raw: json(trade("w2", 100)),
    signature: { signedRaw: json(trade("w2", 1)) },
    fast: true,
    status: 401,
  },
  {
    name: "signed for another path",
    path: "/api/v1/events",
    raw: json(trade("w3", 1)),
    signature: { signedPath: "/api/v1/trades" },
    fast: true,
    status: 401,
  },
  { name: "unsigned", path: "/api/v1/events", raw: json(trade("w4", 1)), signature: false, fast: false, status: 401 },
  { name: "an old timestamp", path: "/api/v1/events", raw: json(trade("w5", 1)), signature: { ageMs: 301_000 }, fast: false, status: 401 },
  { name: "malformed JSON", path: "/api/v1/events", raw: '{"type":"trade",', fast: true, status: 400 },
  {
    name: "an invalid event",
    path: "/api/v1/events",
    raw: json({ type: "trade", bot: "alpha", id: "w6", pnl: "lots" }),
    fast: true,
    status: 422,
  },
  {
    name: "a third bot beyond max_bots",
    path: "/api/v1/events",
    raw: json([trade("b1", 1, "bravo"), trade("c1", 1, "charlie")]),
    fast: true,
    status: 422,
  },
  {
    name: "a text content type",
    path: "/api/v1/events",
    raw: json(trade("w7", 1)),
    headers: { "Content-Type": "text/plain" },
    fast: false,
    status: 415,
  },
  {
    name: "an Origin header",
    path: "/api/v1/events",
    raw: json(trade("t7", 1)),
    headers: { Origin: "http://elsewhere.example" },
    fast: false,
    status: 200,
  },
  { name: "a trailing slash", path: "/api/v1/events/", raw: json(trade("t8", 1)), fast: false, status: 200 },
];

/** Reply headers that differ between two servers by nature, and the one that tells the paths apart. */
const VARYING = new Set(["date", "connection", "keep-alive", "etag"]);
const stable = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([k]) => !VARYING.has(k)));

describe("ingest fast path = the express route", () => {
  let fast: Harness;
  let plain: Harness;
  beforeAll(async () => {
    fast = await startHarness({ max_bots: 2 });
    plain = await startHarness({ max_bots: 2 });
  });
  afterAll(async () => {
    await fast.stop();
    await plain.stop();
  });

  const send = (target: Harness["exporter"]["handle"], c: Case, now: number) => {
    const s = c.signature === false ? undefined : (c.signature ?? {});
    let r = request(target).post(c.path).set("Content-Type", "application/json");
    if (s) r = r.set(signedHeaders(s.secret ?? SECRET, "POST", s.signedPath ?? c.path, s.signedRaw ?? c.raw, now - (s.ageMs ?? 0)));
    return r.set(c.headers ?? {}).send(c.raw);
  };

  for (const c of CASES) {
    it(`${c.name}: ${c.status}, answered by ${c.fast ? "the fast path" : "express"}`, async () => {
      const viaHandle = await send(fast.exporter.handle, c, fast.clock.now());
      const viaApp = await send(plain.exporter.app, c, plain.clock.now());
      expect(viaHandle.status).toBe(c.status);
      expect(viaApp.status).toBe(c.status);
      expect(viaHandle.text).toBe(viaApp.text);
      expect(stable(viaHandle.headers)).toEqual(stable(viaApp.headers));
      expect(viaApp.headers.etag).toBeDefined();
      expect(viaHandle.headers.etag === undefined).toBe(c.fast);
    });
  }

  it("leaves both exporters with the same figures, journal and rejected-event counts", async () => {
    expect(fast.exporter.engine.bots()).toEqual(plain.exporter.engine.bots());
    expect(fast.exporter.engine.performance("alpha")).toEqual(plain.exporter.engine.performance("alpha"));
    expect(fast.exporter.journal.lastSeq()).toBe(plain.exporter.journal.lastSeq());
    const rejected = async (h: Harness) =>
      (await h.get("/metrics")).text.split("\n").filter((l) => l.startsWith("trading_events_rejected_total"));
    const counts = await rejected(fast);
    expect(counts.length).toBeGreaterThan(3);
    expect(counts).toEqual(await rejected(plain));
  });

  it("shares the replay guard with express: a signature either accepted is refused by the other", async () => {
    const raw = json(trade("r1", 1));
    const headers = signedHeaders(SECRET, "POST", "/api/v1/events", raw, fast.clock.now());
    const post = (target: Harness["exporter"]["handle"]) =>
      request(target).post("/api/v1/events").set(headers).set("Content-Type", "application/json").send(raw);
    expect((await post(fast.exporter.handle)).status).toBe(200);
    const replay = await post(fast.exporter.app);
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toMatch(/replay/);

    const raw2 = json(trade("r2", 1));
    const headers2 = signedHeaders(SECRET, "POST", "/api/v1/events", raw2, fast.clock.now());
    const post2 = (target: Harness["exporter"]["handle"]) =>
      request(target).post("/api/v1/events").set(headers2).set("Content-Type", "application/json").send(raw2);
    expect((await post2(fast.exporter.app)).status).toBe(200);
    expect((await post2(fast.exporter.handle)).status).toBe(401);
    expect(fast.exporter.engine.performance("alpha").trades.total).toBe(plain.exporter.engine.performance("alpha").trades.total + 2);
  });
});
