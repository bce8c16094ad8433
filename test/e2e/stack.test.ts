// The bundle end to end: the real exporter process, a real Prometheus scraping it every second with the
// committed alert rules, and a real Alertmanager with the committed routing and inhibitions (only its
// receivers replaced by a local webhook). A scenario sent over the signed REST API trips every trigger;
// each alert must reach the receiver through Alertmanager with the right labels and route, the native
// notifier must fire the same (bot, trigger) pairs, a threshold changed at run time must change what
// Prometheus alerts on, and every Grafana panel query must return data from that Prometheus.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPanelQueries, substituteDashboardVariables } from "../../src/bundle/dashboards/index.js";
import { signedHeaders } from "../../src/domain/signature.js";
import { requireBinary } from "../support/binaries.js";
import { SECRET } from "../support/exporter.js";
import { hasValidSignature, HttpReceiver, startWebhookReceiver } from "../support/fake-receivers.js";
import { startExporterProcess, writeConfig, type ExporterProcess } from "../support/process.js";
import {
  alertmanagerAlerts,
  alertmanagerTestConfig,
  promQuery,
  prometheusTestConfig,
  startAlertmanager,
  startPrometheus,
  waitUntil,
  type AmWebhookMessage,
  type RunningBinary,
} from "../support/prometheus-stack.js";
import {
  alertKey,
  DELIVERED,
  DUPLICATE_BATCH,
  GROUP_CONFIG,
  INHIBITED,
  INVALID_BATCH,
  noonTimeZone,
  pairKey,
  receiverFor,
  SCENARIO,
  SHOWCASE_BOT,
  TUNED,
  TUNED_BOT,
  TUNED_THRESHOLD,
} from "./scenario.js";

const prometheusBinary = requireBinary("prometheus", "apt-get install prometheus");
const alertmanagerBinary = requireBinary(["prometheus-alertmanager", "alertmanager"], "apt-get install prometheus-alertmanager");
const skipReason = prometheusBinary.skipReason ?? alertmanagerBinary.skipReason;

const WEBHOOK_SECRET = "native-webhook-secret-0123456789";

/**
 * Panels that may legitimately show no data in this scenario, with the reason. Empty: every counter
 * the dashboards read exists from the start (at 0) or is produced by the scenario.
 */
const PANELS_WITHOUT_DATA: Record<string, string> = {};

describe.skipIf(skipReason)("exporter + Prometheus + Alertmanager with the bundled config", () => {
  let dir: string;
  let nativeWebhook: HttpReceiver;
  let amReceiver: HttpReceiver;
  let alertmanager: RunningBinary | undefined;
  let prometheus: RunningBinary | undefined;
  let exporter: ExporterProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "trading-e2e-"));
    nativeWebhook = await startWebhookReceiver();
    amReceiver = await HttpReceiver.start();
    alertmanager = await startAlertmanager(
      alertmanagerBinary.path!,
      dir,
      alertmanagerTestConfig((receiver) => amReceiver.url(`/${receiver}`)),
    );
    const config = writeConfig(dir, {
      listen: "127.0.0.1:0",
      data_dir: join(dir, "exporter-data"),
      log_level: "info",
      auth: { hmac_secrets: [SECRET] },
      metrics: { timezone: noonTimeZone() },
      health: { stale_after_seconds: 3 },
      alerts: { evaluation_interval_seconds: 1 },
      notifications: { enabled: true, webhook: { enabled: true, url: nativeWebhook.url("/native"), secret: WEBHOOK_SECRET } },
      ...GROUP_CONFIG,
    });
    exporter = await startExporterProcess(config);
    const exporterAddress = new URL(exporter.url).host;
    prometheus = await startPrometheus(
      prometheusBinary.path!,
      dir,
      prometheusTestConfig({ exporterAddress, alertmanagerAddress: alertmanager.address }),
    );
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stopExporter();
    await alertmanager?.stop();
    await nativeWebhook?.close();
    await amReceiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function stopExporter(): Promise<void> {
    if (!exporter) return;
    const child = exporter.child;
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000); // a hung shutdown must not hang the suite
    await exporter.stop();
    clearTimeout(kill);
  }

  async function signed(method: "POST" | "PUT", path: string, body: unknown): Promise<Response> {
    const raw = JSON.stringify(body);
    return fetch(`${exporter!.url}${path}`, {
      method,
      headers: { ...signedHeaders(SECRET, method, path, raw, Date.now()), "Content-Type": "application/json" },
      body: raw,
    });
  }

  /** Firing alerts delivered by Alertmanager, with the receiver whose URL got them. */
  function delivered() {
    return amReceiver.requests.flatMap((req) => {
      const message = JSON.parse(req.body) as AmWebhookMessage;
      return message.alerts.filter((a) => a.status === "firing").map((a) => ({ ...a, receiver: message.receiver, path: req.path }));
    });
  }

  function nativeFirings() {
    return nativeWebhook.requests
      .map((req) => ({
        req,
        body: JSON.parse(req.body) as { kind: string; alert: { bot?: string; group?: string; trigger: string; severity: string } },
      }))
      .filter((m) => m.body.kind === "firing");
  }

  const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();

  it("delivers each trigger's alert through Alertmanager with the bundle's labels, route and annotations", async () => {
    for (const batch of SCENARIO) {
      const res = await signed("POST", "/api/v1/events", batch);
      expect(res.status, await res.text()).toBe(200);
    }
    const dup = await signed("POST", "/api/v1/events", DUPLICATE_BATCH);
    expect(await dup.json()).toEqual({ accepted: 1, duplicates: 1 });
    expect((await signed("POST", "/api/v1/events", INVALID_BATCH)).status).toBe(422);

    const want = sorted(DELIVERED.map(alertKey));
    await waitUntil(
      `Alertmanager deliveries ${want.join(", ")} (have ${sorted(delivered().map((a) => alertKey(a.labels))).join(", ")})`,
      () => (want.every((k) => delivered().some((a) => alertKey(a.labels) === k)) ? true : undefined),
      45_000,
    );

    for (const expected of DELIVERED) {
      for (const alert of delivered().filter((a) => alertKey(a.labels) === alertKey(expected))) {
        expect(alert.labels).toMatchObject({
          alertname: expected.alertname,
          ...(expected.group !== undefined ? { group: expected.group } : { bot: expected.bot }),
          severity: expected.severity,
          trigger: expected.trigger,
          job: "trading-exporter",
        });
        // Routed by the bundle's severity routes to the matching receiver.
        expect(alert.receiver).toBe(receiverFor(expected));
        expect(alert.path).toBe(`/${receiverFor(expected)}`);
        if (expected.group !== undefined) {
          expect(alert.labels.bot).toBeUndefined();
          expect(alert.annotations.summary).toContain(`Group ${expected.group}`);
          expect(alert.annotations.dashboard).toBe("http://localhost:3000/d/trading-overview/trading-overview");
        } else {
          expect(alert.annotations.summary).toContain(`Bot ${expected.bot}`);
          expect(alert.annotations.dashboard).toBe(`http://localhost:3000/d/trading-bot/trading-bot?var-bot=${expected.bot}`);
        }
        // The description's template queries (threshold, trips, window size...) ran against this
        // Prometheus. Only the disconnected bot has no latency to show, which the template words "unknown".
        if (expected.trigger !== "api_disconnected") expect(alert.annotations.description).not.toContain("unknown");
      }
    }
    // Nothing else got through: the inhibited alerts (next test) and the bot under its threshold.
    const got = sorted(delivered().map((a) => alertKey(a.labels)));
    expect(got, `delivered: ${got.join(", ")}`).toEqual(want);
  }, 60_000);

  it("inhibits what the bundle's inhibit_rules say: in Alertmanager as suppressed, never delivered", async () => {
    const am = alertmanager!;
    const inhibited = await waitUntil(
      "the inhibited alerts in Alertmanager",
      async () => {
        const alerts = await alertmanagerAlerts(am.url);
        const found = INHIBITED.map((e) => alerts.find((a) => alertKey(a.labels) === alertKey(e)));
        return found.every((a) => a !== undefined) ? found : undefined;
      },
      15_000,
    );
    const all = await alertmanagerAlerts(am.url);
    inhibited.forEach((alert, i) => {
      const expected = INHIBITED[i]!;
      expect(alert.labels).toMatchObject({ severity: expected.severity, trigger: expected.trigger });
      expect(alert.status.state, alertKey(expected)).toBe("suppressed");
      expect(alert.status.silencedBy).toEqual([]);
      // inhibitedBy lists the fingerprints of the inhibiting alerts: the same bot's `by` alert.
      const source = all.find((a) => alertKey(a.labels) === alertKey({ bot: expected.bot, group: expected.group, alertname: expected.by }));
      expect(source, `${expected.by} on ${alertKey(expected)}`).toBeDefined();
      expect(alert.status.inhibitedBy).toContain(source!.fingerprint);
    });
    // Give a wrongly uninhibited group more than its group_wait (1 s) to flush, then check none did.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const leaked = delivered().filter((a) => INHIBITED.some((e) => alertKey(e) === alertKey(a.labels)));
    expect(leaked.map((a) => alertKey(a.labels))).toEqual([]);
  }, 30_000);

  it("fires the same (bot, trigger) pairs natively as in Prometheus, each over the signed webhook", async () => {
    const firing = [...DELIVERED, ...INHIBITED];
    const want = sorted(firing.map(pairKey));
    await waitUntil(
      `native webhook firings ${want.join(", ")}`,
      () => (want.every((k) => nativeFirings().some((m) => pairKey(m.body.alert) === k)) ? true : undefined),
      15_000,
    );
    const native = nativeFirings();
    expect(sorted(native.map((m) => pairKey(m.body.alert)))).toEqual(want);
    for (const m of native) {
      expect(hasValidSignature(m.req, WEBHOOK_SECRET), `signature of ${pairKey(m.body.alert)}`).toBe(true);
      const expected = firing.find((e) => pairKey(e) === pairKey(m.body.alert))!;
      expect(m.body.alert.severity).toBe(expected.severity);
    }
    const prom = await promQuery(prometheus!.url, 'ALERTS{alertstate="firing", alertname=~"Trading.+", alertname!="TradingExporterDown"}');
    expect(sorted(prom.map((s) => pairKey(s.metric)))).toEqual(want);
  }, 30_000);

  it("follows a threshold changed at run time: PUT /api/v1/alerts/triggers/daily_drawdown makes Prometheus fire", async () => {
    const url = prometheus!.url;
    // Same batch and scrape as `daily`, whose alert fired: the rules saw 3 % and stayed quiet.
    const [drawdown] = await promQuery(url, `trading_daily_drawdown_ratio{bot="${TUNED_BOT}"}`);
    expect(Number(drawdown!.value[1])).toBeCloseTo(0.03, 6);
    expect(await promQuery(url, `ALERTS{bot="${TUNED_BOT}"}`)).toEqual([]);
    expect(delivered().filter((a) => a.labels.bot === TUNED_BOT)).toEqual([]);

    const res = await signed("PUT", "/api/v1/alerts/triggers/daily_drawdown", { bot: TUNED_BOT, threshold: TUNED_THRESHOLD });
    expect(res.status, await res.text()).toBe(200);

    const alert = await waitUntil(
      "the tuned bot's alert delivered by Alertmanager",
      () => delivered().find((a) => alertKey(a.labels) === alertKey(TUNED)),
      20_000,
    );
    expect(alert.labels).toMatchObject({ severity: TUNED.severity, trigger: TUNED.trigger });
    expect(alert.receiver).toBe(receiverFor(TUNED));
    expect(alert.annotations.description).toContain("2%"); // the new threshold, read back by the template
    const [threshold] = await promQuery(url, `trading_alert_threshold{bot="${TUNED_BOT}", trigger="daily_drawdown"}`);
    expect(Number(threshold!.value[1])).toBe(TUNED_THRESHOLD);
    // Parity still holds: the native notifier fired it too.
    await waitUntil("the tuned bot's native firing", () => nativeFirings().find((m) => pairKey(m.body.alert) === pairKey(TUNED)), 10_000);
  }, 40_000);

  it("every Grafana panel query returns data from this Prometheus", async () => {
    const queries = allPanelQueries();
    expect(queries.length).toBeGreaterThan(50);
    const empty: string[] = [];
    const deadline = Date.now() + 20_000; // rate()/increase() need two samples: a few 1 s scrapes
    for (const q of queries) {
      const expr = substituteDashboardVariables(q.expr, { bot: SHOWCASE_BOT, job: "trading-exporter", range: "1m" });
      const where = `${q.dashboard} / ${q.panel}: ${expr}`;
      for (;;) {
        const result = await promQuery(prometheus!.url, expr);
        if (result.length > 0) break;
        if (Date.now() > deadline) {
          empty.push(where);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const unexpected = empty.filter((w) => !Object.keys(PANELS_WITHOUT_DATA).some((panel) => w.startsWith(panel)));
    expect(unexpected, `panels without data:\n${unexpected.join("\n")}`).toEqual([]);
  }, 60_000);

  it("puts TradingExporterDown in pending once the exporter stops (its `for: 1m` is not waited out)", async () => {
    await stopExporter();
    const url = prometheus!.url;
    const pending = await waitUntil(
      "TradingExporterDown pending",
      async () => {
        const r = await promQuery(url, 'ALERTS{alertname="TradingExporterDown", alertstate="pending"}');
        return r.length > 0 ? r : undefined;
      },
      15_000,
    );
    expect(pending[0]!.metric).toMatchObject({ severity: "critical", trigger: "exporter_down", job: "trading-exporter" });
    const [up] = await promQuery(url, 'up{job="trading-exporter"}');
    expect(up!.value[1]).toBe("0");
  }, 30_000);
});
