// §17 in the real process: an exchange outage that spans a restart neither resolves nor
// re-fires `api_disconnected`. The probe target is a local server answering 503 throughout; the
// exporter is stopped and started again on the same data directory while it keeps failing.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/domain/signature.js";
import { HttpReceiver } from "../support/fake-receivers.js";
import { SECRET, tempDir } from "../support/exporter.js";
import { startExporterProcess, writeConfig, type ExporterProcess } from "../support/process.js";

const WEBHOOK_SECRET = "webhook-secret-0123456789";
let dir: string;
let config: string;
let exchange: HttpReceiver;
let webhook: HttpReceiver;
let proc: ExporterProcess | undefined;

const until = async (what: string, ok: () => boolean, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The webhook messages received, as "kind:trigger". */
const messages = () =>
  webhook.requests.map((r) => {
    const body = JSON.parse(r.body) as { kind: string; alert: { trigger: string } };
    return `${body.kind}:${body.alert.trigger}`;
  });

beforeAll(async () => {
  exchange = await HttpReceiver.start(() => ({ status: 503, body: "exchange down" }));
  webhook = await HttpReceiver.start();
  dir = tempDir();
  config = writeConfig(dir, {
    listen: "127.0.0.1:0",
    data_dir: join(dir, "data"),
    auth: { hmac_secrets: [SECRET] },
    health: { stale_after_seconds: 3600 },
    api_probe: { url: exchange.url("/ping"), interval_seconds: 1, timeout_seconds: 0.5, failures_before_disconnected: 2 },
    alerts: { evaluation_interval_seconds: 1 },
    notifications: { enabled: true, webhook: { enabled: true, url: webhook.url("/hook"), secret: WEBHOOK_SECRET } },
  });
}, 30_000);

afterAll(async () => {
  await proc?.stop();
  await Promise.all([exchange?.close(), webhook?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("a failing probe target across a restart", () => {
  it("keeps api_disconnected firing: no resolve and no second firing", async () => {
    proc = await startExporterProcess(config);
    const body = JSON.stringify({ type: "heartbeat", bot: "probe-bot" });
    const res = await fetch(`${proc.url}/api/v1/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/events", body) },
      body,
    });
    expect(res.status).toBe(200);
    await until("the api_disconnected firing", () => messages().includes("firing:api_disconnected"));
    expect(messages()).toEqual(["firing:api_disconnected"]);

    await proc.stop();
    const probesBefore = exchange.requests.length;
    proc = await startExporterProcess(config);
    // Several failing probes and evaluation ticks after the restart: enough for the old behaviour
    // (resolve at the first tick, a new firing after two failures) to show.
    await until("three probes after the restart", () => exchange.requests.length >= probesBefore + 3);
    await new Promise((r) => setTimeout(r, 1500));

    expect(messages()).toEqual(["firing:api_disconnected"]);
    const history = (await (await fetch(`${proc.url}/api/v1/alerts/history?trigger=api_disconnected`)).json()) as {
      alerts: { status: string }[];
    };
    expect(history.alerts.map((r) => r.status)).toEqual(["firing"]);
    const metrics = await (await fetch(`${proc.url}/metrics`)).text();
    expect(metrics).toMatch(/trading_alert_firing\{[^}]*trigger="api_disconnected"[^}]*\} 1/);
  }, 60_000);
});
