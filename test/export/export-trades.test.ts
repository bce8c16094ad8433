// GET /api/v1/export/trades: what was stored comes back, in CSV and JSON alike, filtered as asked,
// with each trade's effective return (§5: given, else pnl / equity before the trade).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TradingEvent } from "../../src/domain/events.js";
import { type ExportFixture, parseCsv, startExportFixture, store } from "./journal-fixture.js";

const T0 = Date.parse("2024-03-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

const EVENTS: TradingEvent[] = [
  { type: "trade", bot: "alpha", ts: T0 + 1000, id: "a1", pnl: 100, symbol: "BTC/USDT", side: "long", opened_at: T0 },
  { type: "equity", bot: "alpha", ts: T0 + 2000, equity: 9000 },
  { type: "trade", bot: "alpha", ts: T0 + 3000, id: "a2", pnl: -90, return: 0.5 },
  { type: "kill_switch", bot: "alpha", ts: T0 + 3500, active: true },
  { type: "trade", bot: "alpha", ts: T0 + 4000, id: "a3", pnl: 891, symbol: 'weird, "sym"' },
  { type: "trade", bot: "beta", ts: T0 + 1500, id: "b1", pnl: -500 },
  { type: "trade", bot: "beta", ts: T0 + 2500, id: "b2", pnl: 0, side: "short" },
  { type: "trade", bot: "alpha", ts: T0 + 5000, id: "a1", pnl: 999_999 }, // duplicate: not stored
];

// Worked by hand: alpha starts at 10000, beta at 5000 (override).
const A1 = {
  ts: iso(T0 + 1000),
  bot: "alpha",
  id: "a1",
  symbol: "BTC/USDT",
  side: "long",
  pnl: 100,
  return: 100 / 10_000,
  opened_at: iso(T0),
};
const A2 = { ts: iso(T0 + 3000), bot: "alpha", id: "a2", symbol: null, side: null, pnl: -90, return: 0.5, opened_at: null };
const A3 = {
  ts: iso(T0 + 4000),
  bot: "alpha",
  id: "a3",
  symbol: 'weird, "sym"',
  side: null,
  pnl: 891,
  return: 891 / 8910,
  opened_at: null,
};
const B1 = { ts: iso(T0 + 1500), bot: "beta", id: "b1", symbol: null, side: null, pnl: -500, return: -500 / 5000, opened_at: null };
const B2 = { ts: iso(T0 + 2500), bot: "beta", id: "b2", symbol: null, side: "short", pnl: 0, return: 0, opened_at: null };

let fx: ExportFixture;

beforeAll(async () => {
  fx = await startExportFixture({ initial_equity: 10_000, bots: { beta: { initial_equity: 5000 } } });
  expect(store(fx, EVENTS)).toBe(EVENTS.length - 1);
});
afterAll(() => fx.close());

const getJson = async (query: string) => {
  const res = await fetch(`${fx.baseUrl}/api/v1/export/trades?${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return res.json();
};

describe("trade export", () => {
  it("returns every stored trade once, grouped by bot, with its effective return (JSON)", async () => {
    expect(await getJson("")).toEqual([A1, A2, A3, B1, B2]);
  });

  it("writes the same rows as CSV, quoting what needs it", async () => {
    const res = await fetch(`${fx.baseUrl}/api/v1/export/trades?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="?trades.csv"?$/);
    const text = await res.text();
    expect(text).toContain('"weird, ""sym"""');
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(["ts", "bot", "id", "symbol", "side", "pnl", "return", "opened_at"]);
    const asCsv = (r: Record<string, unknown>) => header!.map((c) => (r[c] === null ? "" : String(r[c] as string | number)));
    expect(rows).toEqual([A1, A2, A3, B1, B2].map(asCsv));
    // Numbers survive the round trip exactly.
    expect(rows.map((r) => Number(r[6]))).toEqual([A1, A2, A3, B1, B2].map((t) => t.return));
  });

  it("filters by bot", async () => {
    expect(await getJson("bot=beta")).toEqual([B1, B2]);
    expect(await getJson("bot=nobody")).toEqual([]);
  });

  it("filters by event time, both ends inclusive, in epoch ms or ISO", async () => {
    expect(await getJson(`from=${T0 + 1000}&to=${T0 + 3000}`)).toEqual([A1, A2, B1, B2]);
    expect(await getJson(`from=${encodeURIComponent(iso(T0 + 1001))}&bot=alpha`)).toEqual([A2, A3]);
    expect(await getJson(`to=${encodeURIComponent("2024-03-01T00:00:02.500+00:00")}`)).toEqual([A1, B1, B2]);
  });

  it("takes a date as the whole UTC day", async () => {
    expect(await getJson("from=2024-03-01&to=2024-03-01")).toEqual([A1, A2, A3, B1, B2]);
    expect(await getJson("from=2024-03-02")).toEqual([]);
    expect(await getJson("to=2024-02-29")).toEqual([]);
  });

  it("gives a header-only CSV when nothing matches", async () => {
    const text = await (await fetch(`${fx.baseUrl}/api/v1/export/trades?format=csv&bot=nobody`)).text();
    expect(text).toBe("ts,bot,id,symbol,side,pnl,return,opened_at\r\n");
  });

  it("counts a cash flow into the equity a later trade's return is taken against (§19)", async () => {
    const local = await startExportFixture();
    try {
      store(local, [
        { type: "trade", bot: "cf", ts: T0, id: "1", pnl: 1000 },
        { type: "cashflow", bot: "cf", ts: T0 + 1, id: "flow", amount: 9000 },
        { type: "trade", bot: "cf", ts: T0 + 2, id: "2", pnl: -400 },
      ]);
      const rows = (await (await fetch(`${local.baseUrl}/api/v1/export/trades?bot=cf`)).json()) as Array<{ return: number }>;
      expect(rows.map((r) => r.return)).toEqual([1000 / 10_000, -400 / 20_000]);
    } finally {
      await local.close();
    }
  });

  it.each([
    ["format=xml", "format"],
    ["from=yesterday", "from"],
    ["to=2024-13-45", "to"],
    [`from=${T0 + 10}&to=${T0}`, "to"],
    ["bot=not%20a%20bot!", "bot"],
    ["limit=5", "limit"],
    ["bot=a&bot=b", "bot"],
  ])("rejects %s with problem+json naming %s", async (query, param) => {
    const res = await fetch(`${fx.baseUrl}/api/v1/export/trades?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as { status: number; detail: string; errors: { path: string; message: string }[] };
    expect(body.status).toBe(400);
    expect(body.detail).toContain(param);
    expect(body.errors.map((e) => e.path)).toContain(param);
  });
});
