// GET /api/v1/export/equity and the downsampler: the curve is the engine's (§5, cash flows as §19),
// and decimation never loses what a trader looks for on the chart — the equity extremes and the
// deepest drawdown.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TradingEvent } from "../../src/domain/events.js";
import { type EquityHistoryState, type EquityPoint, EquityDownsampler } from "../../src/domain/equity-history.js";
import { type ExportFixture, parseCsv, startExportFixture, store } from "./journal-fixture.js";

const T0 = Date.parse("2024-03-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** The curve computed the slow, obvious way (peak starts at the initial equity). */
function naiveCurve(equities: number[], initial: number): EquityPoint[] {
  let peak = initial;
  return equities.map((equity, i) => {
    peak = Math.max(peak, equity);
    return { n: i + 1, ts: T0 + i * 1000, equity, drawdown: (peak - equity) / peak };
  });
}

function extremes(points: readonly EquityPoint[]) {
  const by = (better: (a: EquityPoint, b: EquityPoint) => boolean) => points.reduce((best, p) => (better(p, best) ? p : best));
  return {
    min: by((a, b) => a.equity < b.equity),
    max: by((a, b) => a.equity > b.equity),
    deepest: by((a, b) => a.drawdown > b.drawdown),
  };
}

describe("EquityDownsampler", () => {
  it("keeps every point while there are at most max_points", () => {
    const pts = naiveCurve([10, 9, 11, 8, 12], 10);
    const s = new EquityDownsampler(5);
    pts.forEach((p) => s.add(p));
    expect(s.points()).toEqual(pts);
    expect(s.total).toBe(5);
  });

  it("keeps extremes, the deepest drawdown, the first and last point, in order, within budget", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 5, max: 200 }),
        (equities, maxPoints) => {
          const curve = naiveCurve(equities, 1000);
          const s = new EquityDownsampler(maxPoints);
          curve.forEach((p) => s.add(p));
          const out = s.points();
          expect(out.length).toBeLessThanOrEqual(maxPoints);
          if (curve.length <= maxPoints) expect(out).toEqual(curve);
          const seqs = out.map((p) => p.n);
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
          expect(new Set(seqs).size).toBe(seqs.length);
          for (const p of out) expect(p).toBe(curve[p.n - 1]); // only real points, unchanged
          const want = extremes(curve);
          const got = extremes(out);
          expect(got.min.equity).toBe(want.min.equity);
          expect(got.max.equity).toBe(want.max.equity);
          expect(got.deepest.drawdown).toBe(want.deepest.drawdown);
          expect(seqs).toContain(want.deepest.n);
          expect(out[0]).toBe(curve[0]);
          expect(out[out.length - 1]).toBe(curve[curve.length - 1]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("EquityDownsampler.append", () => {
  it("keeps what add keeps from the same points, also across a snapshot taken part-way", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 2500 }),
        fc.integer({ min: 5, max: 200 }),
        fc.nat(),
        (equities, maxPoints, cut) => {
          const curve = naiveCurve(equities, 1000);
          const added = new EquityDownsampler(maxPoints);
          curve.forEach((p) => added.add(p));
          // Points appended as numbers, restored from a snapshot after `cut` of them, then the rest.
          const at = cut % (curve.length + 1);
          let appended = new EquityDownsampler(maxPoints);
          for (const p of curve.slice(0, at)) appended.append(p.ts, p.equity, p.drawdown);
          appended = EquityDownsampler.fromState(maxPoints, JSON.parse(JSON.stringify(appended.toState())) as EquityHistoryState);
          for (const p of curve.slice(at)) appended.append(p.ts, p.equity, p.drawdown);
          expect(appended.points()).toEqual(added.points());
          expect(appended.toState()).toEqual(added.toState());
          expect(appended.total).toBe(curve.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("EquityDownsampler.fromState", () => {
  it("refuses a state whose point count does not fill its buckets", () => {
    const s = new EquityDownsampler(10);
    for (let i = 0; i < 100; i++) s.append(i, 1000 + (i % 7), 0);
    const state = s.toState();
    expect(state.buckets).not.toBeNull();
    expect(EquityDownsampler.fromState(10, state).total).toBe(100);
    for (const count of [state.count + state.size, state.count - state.size - 1]) {
      expect(() => EquityDownsampler.fromState(10, { ...state, count })).toThrow(/does not fill its \d+ buckets/);
    }
  });
});

describe("equity export", () => {
  let fx: ExportFixture;
  // gamma: 3000 equity marks (see below).
  const gamma: number[] = [];

  beforeAll(async () => {
    fx = await startExportFixture({ bots: { gamma: { initial_equity: 20_000 } } });
    const events: TradingEvent[] = [
      { type: "trade", bot: "alpha", ts: T0 + 1000, id: "a1", pnl: 100 },
      { type: "equity", bot: "alpha", ts: T0 + 2000, equity: 9000 },
      { type: "kill_switch", bot: "alpha", ts: T0 + 2500, active: true },
      { type: "trade", bot: "alpha", ts: T0 + 3000, id: "a2", pnl: -90 },
      { type: "trade", bot: "alpha", ts: T0 + 4000, id: "a3", pnl: 891 },
    ];
    let seed = 42;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 100;
    for (let i = 0; i < 3000; i++) {
      // A wave with noise; the lowest equity at i = 500; the peak at i = 1500, after which the
      // wave's troughs are deeper drawdowns than the lowest equity ever was.
      const e = i === 500 ? 5000 : i === 1500 ? 200_000 : 20_000 + 2000 * Math.sin(i / 50) + noise();
      gamma.push(e);
      events.push({ type: "equity", bot: "gamma", ts: T0 + i * 1000, equity: e });
    }
    store(fx, [...events, ...delta]);
  });

  // delta: cash flows between trades, a withdrawal of everything and a refund (§19).
  const delta: TradingEvent[] = [
    { type: "trade", bot: "delta", ts: T0 + 1000, id: "d1", pnl: 1000 },
    { type: "cashflow", bot: "delta", ts: T0 + 2000, amount: 11_000 },
    { type: "trade", bot: "delta", ts: T0 + 3000, id: "d2", pnl: -2200 },
    { type: "cashflow", bot: "delta", ts: T0 + 4000, amount: -9900 },
    { type: "equity", bot: "delta", ts: T0 + 5000, equity: 9000 },
    { type: "cashflow", bot: "delta", ts: T0 + 6000, amount: -9000 },
    { type: "cashflow", bot: "delta", ts: T0 + 7000, amount: 5000 },
    { type: "trade", bot: "delta", ts: T0 + 8000, id: "d3", pnl: -500 },
  ];
  afterAll(() => fx.close());

  const get = async (query: string) => {
    const res = await fetch(`${fx.baseUrl}/api/v1/export/equity?${query}`);
    return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
  };

  it("is the engine's equity and drawdown after each trade and equity event (§5)", async () => {
    const { status, body } = await get("bot=alpha");
    expect(status).toBe(200);
    expect(body).toMatchObject({ bot: "alpha", initial_equity: 10_000, from: null, to: null, max_points: 1000, total_points: 4 });
    expect(body.points).toEqual([
      { ts: iso(T0 + 1000), equity: 10_100, drawdown: 0 },
      { ts: iso(T0 + 2000), equity: 9000, drawdown: 1100 / 10_100 },
      { ts: iso(T0 + 3000), equity: 8910, drawdown: 1190 / 10_100 },
      { ts: iso(T0 + 4000), equity: 9801, drawdown: 299 / 10_100 },
    ]);
  });

  it("follows cash flows, down to an emptied account, as the live figures do (§19)", async () => {
    const { body } = await get("bot=delta");
    // 11000 → +11000 (peak 22000) → 19800 (10%) → withdraw 9900 (peak 11000, 10% kept) →
    // 9000 reported (2000 / 11000) → everything withdrawn (no drawdown) → 5000 afresh → 4500 (10%).
    expect(body.points.map((p: { equity: number }) => p.equity)).toEqual([11_000, 22_000, 19_800, 9900, 9000, 0, 5000, 4500]);
    const dd = body.points.map((p: { drawdown: number }) => p.drawdown);
    expect(dd[0]).toBe(0);
    expect(dd[1]).toBe(0);
    expect(dd[2]).toBeCloseTo(0.1, 12);
    expect(dd[3]).toBeCloseTo(0.1, 12);
    expect(dd[4]).toBeCloseTo(2000 / 11_000, 12);
    expect(dd[5]).toBe(0);
    expect(dd[6]).toBe(0);
    expect(dd[7]).toBeCloseTo(0.1, 12);
  });

  it("restricts the points to the range but keeps the peak reached before it", async () => {
    const { body } = await get(`bot=alpha&from=${T0 + 3000}`);
    expect(body.from).toBe(iso(T0 + 3000));
    expect(body.points.map((p: { drawdown: number }) => p.drawdown)).toEqual([1190 / 10_100, 299 / 10_100]);
  });

  it("downsamples to max_points keeping the extremes and the max drawdown point", async () => {
    const curve = naiveCurve(gamma, 20_000);
    const want = extremes(curve);
    const { body } = await get("bot=gamma&max_points=40");
    expect(body.total_points).toBe(3000);
    expect(body.points.length).toBeLessThanOrEqual(40);
    expect(body.points.length).toBeGreaterThan(10);
    const eq = body.points.map((p: { equity: number }) => p.equity);
    expect(Math.min(...eq)).toBe(want.min.equity);
    expect(Math.max(...eq)).toBe(want.max.equity);
    expect(body.points).toContainEqual({ ts: iso(want.deepest.ts), equity: want.deepest.equity, drawdown: want.deepest.drawdown });
    // The deepest drawdown here is right after the spike, not at the lowest equity: both must be kept.
    expect(want.deepest.n).not.toBe(want.min.n);
  });

  it("serves the same points as CSV", async () => {
    const json = (await get("bot=gamma&max_points=40")).body.points;
    const res = await fetch(`${fx.baseUrl}/api/v1/export/equity?bot=gamma&max_points=40&format=csv`);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(["ts", "equity", "drawdown"]);
    expect(rows.map(([ts, e, d]) => ({ ts, equity: Number(e), drawdown: Number(d) }))).toEqual(json);
  });

  it("gives an empty curve for a bot without events", async () => {
    const { status, body } = await get("bot=nobody");
    expect(status).toBe(200);
    expect(body).toMatchObject({ total_points: 0, points: [] });
  });

  it.each([
    ["", "bot"],
    ["bot=alpha&max_points=3", "max_points"],
    ["bot=alpha&max_points=abc", "max_points"],
    ["bot=alpha&max_points=1e3", "max_points"],
    ["bot=alpha&from=soon", "from"],
    ["bot=alpha&format=png", "format"],
  ])("rejects ?%s with problem+json naming %s", async (query, param) => {
    const { status, type, body } = await get(query);
    expect(status).toBe(400);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(param);
  });
});
