// Soak: the real exporter process under steady mixed load for a while (10 minutes by default) on
// loopback — signed event batches from several bots, /metrics scrapes, WebSocket clients that
// connect, read and churn, and alerts that fire and resolve (kill switches toggled, loss streaks) to
// a local webhook. Stops by itself, then reports the memory trend (RSS and V8 heap sampled from
// /metrics) and every error seen. Not part of `npm test`.
// Run: npx tsx bench/soak.ts [seconds]
import { rmSync } from "node:fs";
import { join } from "node:path";
import { WebSocket } from "ws";
import { signedHeaders } from "../src/domain/signature.js";
import { HttpReceiver } from "../test/support/fake-receivers.js";
import { SECRET, tempDir } from "../test/support/exporter.js";
import { startExporterProcess, writeConfig } from "../test/support/process.js";

const SECONDS = Number(process.argv[2] ?? 600);
const BOTS = 20;
const BATCH = 10;
const BATCHES_PER_SECOND = 20; // 200 events/s
const SCRAPE_EVERY_MS = 1000;
const WS_CLIENTS = 20;
const WS_CHURN_EVERY_MS = 30_000;
const ALERT_TOGGLE_EVERY_MS = 20_000;
const SAMPLE_EVERY_MS = 10_000;

interface Sample {
  at_s: number;
  rss_mb: number;
  heap_mb: number;
}

const errors: string[] = [];
const note = (what: string) => {
  if (errors.length < 50) errors.push(what);
  counts.errors++;
};
const counts = { batches: 0, events: 0, scrapes: 0, wsMessages: 0, wsConnects: 0, alertToggles: 0, errors: 0 };

function gauge(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+]+)$`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const dir = tempDir("soak-");
  const webhook = await HttpReceiver.start();
  const config = writeConfig(dir, {
    listen: "127.0.0.1:0",
    data_dir: join(dir, "data"),
    auth: { hmac_secrets: [SECRET] },
    alerts: { cooldown_seconds: 5, evaluation_interval_seconds: 1 },
    notifications: { enabled: true, webhook: { enabled: true, url: webhook.url("/hook"), secret: "soak-webhook-secret-0123" } },
  });
  const proc = await startExporterProcess(config);
  const base = proc.url;
  const wsBase = base.replace(/^http/, "ws");
  console.log(`soak: ${SECONDS} s against ${base} (pid ${proc.child.pid})`);

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => void | Promise<void>) => timers.push(setInterval(() => void fn(), ms));

  /** One signed batch; true when acknowledged, otherwise the failure is noted. */
  const postEvents = async (events: object[]): Promise<boolean> => {
    const body = JSON.stringify(events);
    try {
      const res = await fetch(`${base}/api/v1/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/events", body) },
        body,
      });
      const text = await res.text();
      if (res.status === 200) return true;
      note(`POST /api/v1/events → ${res.status} ${text}`);
    } catch (err) {
      note(`POST /api/v1/events: ${String(err)}`);
    }
    return false;
  };

  // Events: trades on every bot, equity now and then; a losing streak on one bot fires and resolves.
  let seq = 0;
  every(1000 / BATCHES_PER_SECOND, async () => {
    const events = Array.from({ length: BATCH }, () => {
      const n = seq++;
      const bot = `soak-${n % BOTS}`;
      return n % 25 === 0
        ? { type: "equity", bot, equity: 10_000 + Math.sin(n / 100) * 500 }
        : { type: "trade", bot, id: `t${n}`, pnl: bot === "soak-0" && Math.floor(n / 2000) % 2 === 0 ? -1 : Math.sin(n) * 20 };
    });
    if (await postEvents(events)) {
      counts.batches++;
      counts.events += BATCH;
    }
  });

  // Scrapes, and the memory samples taken from them.
  const samples: Sample[] = [];
  let lastSample = -Infinity;
  every(SCRAPE_EVERY_MS, async () => {
    try {
      const res = await fetch(`${base}/metrics`);
      const text = await res.text();
      if (res.status !== 200) return note(`GET /metrics → ${res.status}`);
      counts.scrapes++;
      if (performance.now() - lastSample >= SAMPLE_EVERY_MS) {
        lastSample = performance.now();
        samples.push({
          at_s: Math.round(elapsed()),
          rss_mb: gauge(text, "process_resident_memory_bytes") / 2 ** 20,
          heap_mb: gauge(text, "nodejs_heap_size_used_bytes") / 2 ** 20,
        });
      }
    } catch (err) {
      note(`GET /metrics: ${String(err)}`);
    }
  });

  // WebSocket clients: connected throughout, a quarter of them replaced every churn period.
  const clients = new Set<WebSocket>();
  const connect = () => {
    const ws = new WebSocket(`${wsBase}/ws`);
    counts.wsConnects++;
    clients.add(ws);
    ws.on("message", () => counts.wsMessages++);
    ws.on("error", (err) => note(`ws: ${String(err)}`));
    ws.on("close", (code) => {
      clients.delete(ws);
      if (code !== 1000 && code !== 1005) note(`ws closed by the server with ${code}`);
    });
    ws.on("open", () => ws.send(JSON.stringify({ type: "subscribe", bots: [], types: [] })));
  };
  for (let i = 0; i < WS_CLIENTS; i++) connect();
  every(WS_CHURN_EVERY_MS, () => {
    const some = [...clients].slice(0, WS_CLIENTS / 4);
    for (const ws of some) ws.close(1000);
    for (let i = 0; i < some.length; i++) connect();
  });

  // Alerts: two bots' kill switches toggled, each toggle a firing or a resolution.
  let killed = false;
  every(ALERT_TOGGLE_EVERY_MS, async () => {
    killed = !killed;
    const events = ["soak-1", "soak-2"].map((bot) => ({ type: "kill_switch", bot, active: killed, reason: "soak" }));
    if (await postEvents(events)) counts.alertToggles++;
  });

  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  for (const t of timers) clearInterval(t);
  await new Promise((r) => setTimeout(r, 2000)); // requests in flight finish
  for (const ws of clients) ws.close(1000);

  const alertsRes = await fetch(`${base}/api/v1/alerts/history?limit=1000`);
  const history = ((await alertsRes.json()) as { alerts: { deliveries: { ok: boolean }[] }[] }).alerts;
  const failedDeliveries = history.flatMap((a) => a.deliveries).filter((d) => !d.ok).length;
  const exitCode = await proc.stop();
  const logErrors = proc
    .output()
    .split("\n")
    .filter((l) => /"level":(50|60)/.test(l));
  for (const l of logErrors.slice(0, 10)) note(`exporter log: ${l.slice(0, 300)}`);
  await webhook.close();
  rmSync(dir, { recursive: true, force: true });

  // The trend over the second half, after start-up and the first fill of the rolling windows.
  const steady = samples.filter((s) => s.at_s >= SECONDS / 2);
  const perMinute = (k: "rss_mb" | "heap_mb") =>
    slope(
      steady.map((s) => s.at_s / 60),
      steady.map((s) => s[k]),
    );
  const first = samples[0];
  const last = samples.at(-1);
  const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "n/a" : n.toFixed(1));
  console.log(`duration ${elapsed().toFixed(0)} s; exporter exit code ${exitCode}`);
  console.log(
    `load: ${counts.events} events in ${counts.batches} batches (${(counts.events / SECONDS).toFixed(0)}/s), ${counts.scrapes} scrapes, ` +
      `${counts.wsConnects} WebSocket connections (${WS_CLIENTS} at a time), ${counts.wsMessages} WebSocket messages, ` +
      `${counts.alertToggles} kill-switch toggles, ${webhook.requests.length} webhook notifications, ${failedDeliveries} failed deliveries`,
  );
  console.log(`memory samples (s: RSS MiB / heap MiB): ${samples.map((s) => `${s.at_s}: ${fmt(s.rss_mb)}/${fmt(s.heap_mb)}`).join(", ")}`);
  console.log(
    `memory: RSS ${fmt(first?.rss_mb)} → ${fmt(last?.rss_mb)} MiB, heap ${fmt(first?.heap_mb)} → ${fmt(last?.heap_mb)} MiB; ` +
      `second-half slope RSS ${perMinute("rss_mb").toFixed(2)} MiB/min, heap ${perMinute("heap_mb").toFixed(2)} MiB/min`,
  );
  console.log(`errors: ${counts.errors}${errors.length ? `\n  ${errors.join("\n  ")}` : ""}`);
  if (counts.errors > 0 || exitCode !== 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
