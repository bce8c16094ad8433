// The built-in live dashboard (§13). Plain browser JavaScript, no build step, nothing loaded
// from elsewhere. State arrives over /ws (metrics_update, health_update, safety_update, trade,
// alert); the equity chart starts from /api/v1/export/equity, the alert list from
// /api/v1/alerts/history and the groups row (§19) from /api/v1/groups/realtime. Everything
// received is written with textContent, never as HTML.
import { MAX_CHART_POINTS, chartScales, withHistory, withLivePoint } from "./chart-data.js";
import { money, pct, ratio, renderFiringBadge, setText, setTone, signClass, signed, since } from "./format.js";
import { createGroupsView } from "./groups.js";

const params = new URLSearchParams(location.search);
const token = params.get("token");
const authHeaders = token ? { Authorization: `Bearer ${token}` } : {};

const MAX_ALERTS = 20;

/** bot → { metrics, health, safety, points: [{t, equity, drawdown}], el, chartLoaded } */
const bots = new Map();
const alerts = []; // newest first
/** id → alert record still firing (from the history at connect, then kept current by `alert` pushes). */
const firing = new Map();
const $ = (id) => document.getElementById(id);

// ---------- REST ----------
async function getJson(path) {
  const res = await fetch(path, { headers: authHeaders });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

async function loadChart(bot) {
  const b = bots.get(bot);
  if (!b || b.chartLoaded) return;
  b.chartLoaded = true;
  try {
    const body = await getJson(`/api/v1/export/equity?bot=${encodeURIComponent(bot)}&max_points=${MAX_CHART_POINTS / 2}`);
    const history = body.points.map((p) => ({ t: Date.parse(p.ts), equity: p.equity, drawdown: p.drawdown }));
    // Live points that arrived while loading are newer than the history: keep them after it.
    b.points = withHistory(history, b.points);
    drawChart(b);
  } catch (err) {
    b.chartLoaded = false; // try again on the next update
    console.warn("equity history unavailable", err);
  }
}

async function loadAlerts() {
  try {
    const body = await getJson(`/api/v1/alerts/history?limit=${MAX_ALERTS}`);
    const list = Array.isArray(body) ? body : (body.alerts ?? body.items ?? []);
    alerts.length = 0;
    alerts.push(...list.slice(0, MAX_ALERTS));
    renderAlerts();
    // Every firing alert, not only the recent ones, for the per-card count.
    const open = await getJson("/api/v1/alerts/history?status=firing&limit=1000");
    firing.clear();
    for (const a of open.alerts ?? []) trackFiring(a);
    for (const b of bots.values()) renderFiring(b);
    groups.renderAllFiring();
  } catch (err) {
    console.warn("alert history unavailable", err);
  }
}

// ---------- cards ----------
function card(bot) {
  let b = bots.get(bot);
  if (b) return b;
  const el = $("bot-card").content.firstElementChild.cloneNode(true);
  el.dataset.bot = bot;
  el.querySelector(".bot-name").textContent = bot;
  b = { metrics: null, health: null, safety: null, points: [], el, chartLoaded: false };
  bots.set(bot, b);
  // Keep cards in name order.
  const after = [...$("bots").children].find((c) => c.dataset.bot > bot);
  $("bots").insertBefore(el, after ?? null);
  $("empty").hidden = true;
  renderFiring(b);
  return b;
}

function renderMetrics(b) {
  const m = b.metrics;
  const el = b.el;
  setText(el, ".equity", money(m.equity));
  setTone(setText(el, ".drawdown", pct(m.drawdown)), "big drawdown", m.drawdown > 0 ? "neg" : "");
  const sharpe = setText(el, ".sharpe", ratio(m.sharpe_ratio));
  setTone(sharpe, "sharpe", m.sharpe_indicator); // positive / neutral / negative
  sharpe.title = `indicator: ${m.sharpe_indicator}`;
  setText(el, ".sortino", ratio(m.sortino_ratio));
  setText(el, ".win-rate", m.win_rate === null ? "–" : `${(m.win_rate * 100).toFixed(1)}% of ${m.window_trades}`);
  setText(el, ".max-dd", pct(m.max_drawdown));
  setText(el, ".daily-dd", pct(m.daily_drawdown));
  for (const [sel, v] of [
    [".daily-pnl", m.daily_pnl],
    [".weekly-pnl", m.weekly_pnl],
    [".total-pnl", m.total_pnl],
  ]) {
    setTone(setText(el, sel, signed(v)), sel.slice(1), signClass(v));
  }
  setTone(
    setText(el, ".consec", `${m.consecutive_losses} (max ${m.max_consecutive_losses})`),
    "consec",
    m.consecutive_losses > 0 ? "neg" : "",
  );
  const t = m.trades;
  setText(el, ".trades", `${t.total} (${t.wins}W/${t.losses}L/${t.breakeven}B)`);
  renderStatistics(el, m);
  setText(el, ".updated", `last event ${since(m.last_event_at)} · last trade ${since(m.last_trade_at)}`);
}

// Second row: the trade statistics (§19). The API writes +Inf as null; a profit factor with
// gross profit and no loss is +Inf, shown as such rather than as "no value".
function renderStatistics(el, m) {
  const infinite = m.profit_factor === null && m.gross_loss === 0 && m.gross_profit > 0;
  const pf = setText(el, ".profit-factor", infinite ? "∞" : ratio(m.profit_factor));
  setTone(pf, "profit-factor", infinite || m.profit_factor > 1 ? "pos" : m.profit_factor !== null && m.profit_factor < 1 ? "neg" : "");
  setTone(setText(el, ".expectancy", signed(m.expectancy)), "expectancy", signClass(m.expectancy));
  setText(el, ".payoff", ratio(m.payoff_ratio));
  setText(el, ".avg-win-loss", `${money(m.avg_win)} / ${money(m.avg_loss)}`);
  setText(el, ".largest-win-loss", `${money(m.largest_win)} / ${money(m.largest_loss)}`);
  setText(el, ".sqn", ratio(m.sqn));
  setTone(setText(el, ".cagr", pct(m.cagr)), "cagr", signClass(m.cagr));
  setText(el, ".calmar", ratio(m.calmar_ratio));
  setText(el, ".net-cashflow", signed(m.net_cashflow));
}

function trackFiring(a) {
  if (a.status === "firing") firing.set(a.id, a);
  else firing.delete(a.id);
}

/** Beside the health badge: how many alerts fire for the bot, coloured by the worst severity. */
function renderFiring(b) {
  renderFiringBadge(
    b.el.querySelector(".firing"),
    [...firing.values()].filter((a) => a.bot === b.el.dataset.bot),
  );
}

const groups = createGroupsView({ getJson, firingAlerts: () => [...firing.values()] });

function renderHealth(b) {
  const h = b.health;
  const badge = b.el.querySelector(".health");
  badge.textContent = h.level;
  badge.className = `badge health ${h.level}`;
  b.el.classList.toggle("critical", h.level === "CRITICAL");
  b.el.querySelector(".reasons").textContent = h.reasons.join(" · ");
  renderOverall();
}

function renderSafety(b) {
  const s = b.safety;
  const el = b.el;
  const badge = (sel, text, tone, title) => {
    const x = el.querySelector(sel);
    x.textContent = text;
    x.className = `badge ${sel.slice(1)} ${tone}`;
    x.title = title ?? "";
  };
  badge(
    ".kill",
    s.kill_switch.active ? "KILL SWITCH ON" : "kill switch off",
    s.kill_switch.active ? "bad" : "ok",
    s.kill_switch.reason ?? "",
  );
  badge(
    ".breaker",
    s.circuit_breaker.open ? "BREAKER OPEN" : "breaker closed",
    s.circuit_breaker.open ? "bad" : "ok",
    `${s.circuit_breaker.reason ?? ""} (trips: ${s.circuit_breaker.trips})`,
  );
  const p = s.positions;
  const util = p.utilization ?? 0;
  badge(
    ".positions",
    p.max === null ? "positions –" : `positions ${p.open}/${p.max} (${Math.round(util * 100)}%)`,
    util > 0.8 ? "warn" : "ok",
  );
  const api = s.api;
  const latency = api.latency_ms === null || api.latency_ms === undefined ? "" : ` ${Math.round(api.latency_ms)} ms`;
  const tone = api.status === "connected" ? "ok" : api.status === "degraded" ? "warn" : api.status === "disconnected" ? "bad" : "";
  badge(".api", `API ${api.status ?? "unknown"}${latency}`, tone, api.checked_at ? `checked ${since(api.checked_at)}` : "");
}

function renderOverall() {
  const order = { HEALTHY: 0, DEGRADED: 1, CRITICAL: 2 };
  let worst = null;
  for (const b of bots.values()) if (b.health && (worst === null || order[b.health.level] > order[worst])) worst = b.health.level;
  const el = $("overall");
  el.textContent = worst ?? "no bots";
  el.className = `badge ${worst ?? ""}`;
}

function renderAlerts() {
  const list = $("alerts");
  list.replaceChildren(
    ...alerts.map((a) => {
      const li = document.createElement("li");
      li.className = `${a.severity ?? ""} ${a.status === "resolved" ? "resolved" : ""}`;
      const when = document.createElement("div");
      when.className = "when";
      const at = a.status === "resolved" ? a.resolved_at : a.started_at;
      const subject = a.group !== undefined ? `group ${a.group}` : a.bot;
      when.textContent = `${a.status ?? ""} · ${a.severity ?? ""} · ${subject} · ${a.trigger} · ${at ? new Date(at).toLocaleString() : ""}`;
      const msg = document.createElement("div");
      msg.textContent = a.message ?? "";
      li.append(when, msg);
      return li;
    }),
  );
  $("no-alerts").hidden = alerts.length > 0;
}

// ---------- chart: equity line on top, drawdown area below (data in chart-data.js) ----------

const pendingDraws = new Set();
function drawChart(b) {
  if (pendingDraws.size === 0) requestAnimationFrame(flushDraws);
  pendingDraws.add(b);
}
function flushDraws() {
  for (const b of pendingDraws) paint(b);
  pendingDraws.clear();
}

// The x axis is time (points are placed by their timestamp, so live points after a backfill keep
// their true distance); the labels under the chart give its start, middle and end.
const timeFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
function renderTimeAxis(el, pts) {
  const label = (t) => (t === undefined ? "" : timeFormat.format(new Date(t)));
  const t0 = pts[0]?.t;
  const t1 = pts[pts.length - 1]?.t;
  setText(el, ".t-start", label(t0));
  setText(el, ".t-mid", pts.length > 1 ? label((t0 + t1) / 2) : "");
  setText(el, ".t-end", pts.length > 1 ? label(t1) : "");
}

function paint(b) {
  const canvas = b.el.querySelector(".chart");
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (w === 0) return;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const css = getComputedStyle(document.documentElement);
  const pts = b.points;
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = css.getPropertyValue("--muted");
  renderTimeAxis(b.el, pts);
  if (pts.length < 2) {
    ctx.fillText(pts.length ? "waiting for more points…" : "no equity history yet", 8, h / 2);
    return;
  }
  const { eqH, ddTop, high, low, maxDd, x, yEq, yDd } = chartScales(pts, w, h);

  ctx.strokeStyle = css.getPropertyValue("--accent");
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  pts.forEach((p, i) => (i ? ctx.lineTo(x(p), yEq(p)) : ctx.moveTo(x(p), yEq(p))));
  ctx.stroke();

  ctx.fillStyle = "rgba(248, 81, 73, 0.35)";
  ctx.beginPath();
  ctx.moveTo(x(pts[0]), ddTop);
  for (const p of pts) ctx.lineTo(x(p), yDd(p));
  ctx.lineTo(x(pts[pts.length - 1]), ddTop);
  ctx.closePath();
  ctx.fill();

  ctx.fillStyle = css.getPropertyValue("--muted");
  ctx.fillText(money(high), 4, 12);
  // A flat curve has one value: label it once, not at both edges.
  if (high !== low) ctx.fillText(money(low), 4, eqH - 2);
  ctx.fillText(`max DD ${pct(maxDd)}`, 4, h - 4);
}

// ---------- live stream ----------
let backoffMs = 500;
let ws = null;

function setConnection(state, text) {
  $("conn-dot").className = `dot ${state}`;
  $("conn-text").textContent = text;
}

function onMessage(event) {
  let msg;
  try {
    msg = JSON.parse(event.data);
  } catch {
    return;
  }
  if (msg.type === "alert") {
    const i = alerts.findIndex((a) => a.id === msg.data.id);
    if (i >= 0) alerts.splice(i, 1);
    alerts.unshift(msg.data);
    alerts.length = Math.min(alerts.length, MAX_ALERTS);
    trackFiring(msg.data);
    if (bots.has(msg.data.bot)) renderFiring(bots.get(msg.data.bot));
    if (msg.data.group !== undefined) groups.renderFiring(msg.data.group);
    return renderAlerts();
  }
  if (msg.type === "trade") return; // the metrics_update that follows carries the new figures
  const b = card(msg.bot);
  if (msg.type === "metrics_update") {
    b.metrics = msg.data;
    renderMetrics(b);
    b.points = withLivePoint(b.points, msg.data);
    drawChart(b);
    loadChart(msg.bot);
    groups.changed();
  } else if (msg.type === "health_update") {
    b.health = msg.data;
    renderHealth(b);
  } else if (msg.type === "safety_update") {
    b.safety = msg.data;
    renderSafety(b);
  }
}

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${proto}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`;
  setConnection("", "connecting…");
  ws = new WebSocket(url);
  ws.onopen = () => {
    backoffMs = 500;
    setConnection("up", "live");
    loadAlerts(); // alerts raised while we were away
    groups.load();
  };
  ws.onmessage = onMessage;
  ws.onclose = () => {
    // Exponential backoff with jitter, capped: a restarting exporter is not stampeded.
    const wait = Math.min(30_000, backoffMs) * (0.75 + Math.random() * 0.5);
    backoffMs = Math.min(30_000, backoffMs * 2);
    setConnection("down", `disconnected, retrying in ${Math.round(wait / 1000)}s`);
    setTimeout(connect, wait);
  };
}

window.addEventListener("resize", () => bots.forEach(drawChart));
// "x ago" texts age without events.
setInterval(() => bots.forEach((b) => b.metrics && renderMetrics(b)), 15_000);
setTimeout(() => ($("empty").hidden = bots.size > 0), 2000);
renderOverall();
connect();
