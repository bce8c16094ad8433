// The equity/drawdown chart's data, apart from drawing: the backfill from /api/v1/export/equity,
// live points from metrics updates, and where each point lands. Points are placed by their time,
// so after a backfill live points keep their true distance from the history (a minute of live
// data is not drawn as wide as a month of history). Pure functions: the unit tests import them.

export const MAX_CHART_POINTS = 600;

/** The backfilled history, then the live points that arrived while loading and are newer than it. */
export function withHistory(history, live) {
  const last = history.length ? history[history.length - 1].t : -Infinity;
  return history.concat(live.filter((p) => p.t > last));
}

/**
 * The points after a live metrics update `m` (its equity, drawdown and last_event_at), or the same
 * array when it adds nothing. Past MAX_CHART_POINTS the older half is thinned (every other point), so
 * the chart keeps its whole span in bounded memory.
 */
export function withLivePoint(points, m, now = Date.now()) {
  if (m.equity === null) return points;
  const t = m.last_event_at ? Date.parse(m.last_event_at) : now;
  const last = points[points.length - 1];
  if (last && last.t === t && last.equity === m.equity) return points;
  const next = points.concat({ t: Math.max(t, last ? last.t : t), equity: m.equity, drawdown: m.drawdown ?? 0 });
  if (next.length <= MAX_CHART_POINTS) return next;
  const half = Math.floor(next.length / 2);
  return next
    .slice(0, half)
    .filter((_, i) => i % 2 === 0)
    .concat(next.slice(half));
}

/**
 * The chart's scales for a canvas of w × h CSS pixels: x by time over the points' span, equity in
 * the upper 68% (padded 8% of its range), drawdown downwards in the rest, scaled to its maximum.
 */
export function chartScales(points, w, h) {
  const eqH = h * 0.68;
  const ddTop = eqH + 8;
  const ddH = h - ddTop - 2;
  const t0 = points[0].t;
  const span = Math.max(1, points[points.length - 1].t - t0);
  let lo = Infinity;
  let hi = -Infinity;
  let maxDd = 0;
  for (const p of points) {
    lo = Math.min(lo, p.equity);
    hi = Math.max(hi, p.equity);
    maxDd = Math.max(maxDd, p.drawdown);
  }
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.01 || 1;
  const top = hi + pad;
  const bottom = lo - pad;
  return {
    eqH,
    ddTop,
    high: hi,
    low: lo,
    maxDd,
    x: (p) => ((p.t - t0) / span) * (w - 4) + 2,
    yEq: (p) => 4 + (1 - (p.equity - bottom) / (top - bottom)) * (eqH - 8),
    yDd: (p) => ddTop + (maxDd > 0 ? p.drawdown / maxDd : 0) * ddH,
  };
}
