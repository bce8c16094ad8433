// The dashboard chart's data (web/chart-data.js, the module the page imports): after a backfill
// from /api/v1/export/equity, live points sit at their true distance in time from the history, not
// one slot each; live points already covered by the history are dropped; thinning keeps the span.
import { describe, expect, it } from "vitest";
// @ts-expect-error plain browser JavaScript without type declarations
import { MAX_CHART_POINTS, chartScales, withHistory, withLivePoint } from "../../web/chart-data.js";

interface Point {
  t: number;
  equity: number;
  drawdown: number;
}
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9);
const W = 404; // x runs over w − 4 pixels from x = 2

/** History: a point every minute for an hour (61 points), as the export returns it. */
const history: Point[] = Array.from({ length: 61 }, (_, i) => ({ t: T0 + i * MIN, equity: 10_000 + i, drawdown: 0 }));
const metrics = (t: number, equity: number) => ({ equity, drawdown: 0, last_event_at: new Date(t).toISOString() });

describe("dashboard chart data", () => {
  it("keeps live points after a backfill in proportion to their time", () => {
    // Two live updates arrived while the history loaded: 1 and 9 minutes after its last point.
    let live: Point[] = [];
    live = withLivePoint(live, metrics(T0 + 61 * MIN, 10_061));
    live = withLivePoint(live, metrics(T0 + 69 * MIN, 10_069));
    const points = withHistory(history, live) as Point[];
    expect(points).toHaveLength(63);
    const { x } = chartScales(points, W, 160);
    const span = 69 * MIN;
    // Every point lands where its time says, the live ones included.
    for (const p of points) expect(x(p)).toBeCloseTo(2 + ((p.t - T0) / span) * (W - 4), 9);
    const [lastHistory, firstLive, secondLive] = points.slice(-3);
    // One minute of live data is as wide as one minute of history, and 8 minutes 8 times as wide.
    const minuteOfHistory = x(history[60]!) - x(history[59]!);
    expect(x(firstLive!) - x(lastHistory!)).toBeCloseTo(minuteOfHistory, 9);
    expect(x(secondLive!) - x(firstLive!)).toBeCloseTo(8 * minuteOfHistory, 9);
    expect(x(secondLive!)).toBeCloseTo(W - 2, 9);
  });

  it("drops live points the history already covers, keeps newer ones after it", () => {
    const live: Point[] = [
      { t: T0 + 30 * MIN, equity: 1, drawdown: 0 },
      { t: T0 + 60 * MIN, equity: 2, drawdown: 0 },
      { t: T0 + 61 * MIN, equity: 3, drawdown: 0 },
    ];
    const points = withHistory(history, live) as Point[];
    expect(points.slice(-2).map((p) => p.equity)).toEqual([10_060, 3]);
    expect(withHistory([], live)).toEqual(live);
  });

  it("never moves a live point back in time, and ignores a repeat of the last one", () => {
    let points: Point[] = withLivePoint([], metrics(T0 + 5 * MIN, 100));
    points = withLivePoint(points, metrics(T0 + 5 * MIN, 100));
    expect(points).toHaveLength(1);
    // A late event's time is before the last point: the new point is placed at the last time.
    points = withLivePoint(points, metrics(T0 + MIN, 90));
    expect(points.map((p) => [p.t, p.equity])).toEqual([
      [T0 + 5 * MIN, 100],
      [T0 + 5 * MIN, 90],
    ]);
    expect(withLivePoint(points, { equity: null, drawdown: null, last_event_at: null })).toBe(points);
  });

  it("thins the older half past the limit and keeps the whole span", () => {
    let points: Point[] = [];
    for (let i = 0; i <= MAX_CHART_POINTS; i++) points = withLivePoint(points, metrics(T0 + i * MIN, 10_000 + i));
    expect(points.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(points[0]!.t).toBe(T0);
    expect(points[points.length - 1]!.t).toBe(T0 + MAX_CHART_POINTS * MIN);
    for (let i = 1; i < points.length; i++) expect(points[i]!.t).toBeGreaterThan(points[i - 1]!.t);
  });
});
