// §17: Alertmanager's own HA. Two real Alertmanager peers gossip on loopback with the bundled
// alertmanager.yml (receivers replaced by one local webhook), and a real Prometheus loaded from the
// bundled prometheus/prometheus-ha.yml sends every alert to both. Each alert group must reach the
// receiver exactly once, although both peers hold the alert; with one peer killed (SIGKILL) the
// other still delivers a new group.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/domain/signature.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { requireBinary } from "../support/binaries.js";
import { SECRET, testConfig } from "../support/exporter.js";
import { HttpReceiver } from "../support/fake-receivers.js";
import {
  alertmanagerAlerts,
  alertmanagerTestConfig,
  prometheusTestConfig,
  startAlertmanager,
  startPrometheus,
  waitUntil,
  type AmWebhookMessage,
  type RunningBinary,
} from "../support/prometheus-stack.js";

const prometheusBinary = requireBinary("prometheus", "apt-get install prometheus");
const alertmanagerBinary = requireBinary(["prometheus-alertmanager", "alertmanager"], "apt-get install prometheus-alertmanager");
const skipReason = prometheusBinary.skipReason ?? alertmanagerBinary.skipReason;

/** A free loopback TCP port (bound, noted, released) for a gossip listener, which must be known up front. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe.skipIf(skipReason)("two clustered Alertmanager peers behind one Prometheus (bundled HA configs)", () => {
  let dir: string;
  let receiver: HttpReceiver;
  let exporter: Exporter;
  let prometheus: RunningBinary | undefined;
  const peers: RunningBinary[] = [];

  /** Firing notifications received, per Alertmanager group (alertname + bot). */
  const firingsOf = (bot: string) =>
    receiver.requests
      .map((r) => JSON.parse(r.body) as AmWebhookMessage)
      .filter((m) => m.status === "firing" && m.groupLabels.bot === bot && m.groupLabels.alertname === "TradingKillSwitchActive");

  const killSwitch = async (bot: string) => {
    const body = JSON.stringify({ type: "kill_switch", bot, active: true, reason: "ha test" });
    const res = await fetch(`${exporterUrl}/api/v1/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/events", body) },
      body,
    });
    expect(res.status).toBe(200);
  };
  let exporterUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "trading-ha-"));
    receiver = await HttpReceiver.start();
    const amConfig = alertmanagerTestConfig((name) => receiver.url(`/${name}`));
    const gossip = [await freePort(), await freePort()];
    for (const [i, port] of gossip.entries()) {
      const peerDir = join(dir, `am-${i + 1}`);
      mkdirSync(peerDir);
      peers.push(
        await startAlertmanager(alertmanagerBinary.path!, peerDir, amConfig, {
          listen: `127.0.0.1:${port}`,
          peers: gossip.filter((p) => p !== port).map((p) => `127.0.0.1:${p}`),
        }),
      );
    }
    // Both peers see each other before any alert exists.
    await waitUntil(
      "the two peers to form a cluster",
      async () => {
        const states = await Promise.all(
          peers.map(
            async (p) =>
              ((await (await fetch(`${p.url}/api/v2/status`)).json()) as { cluster: { peers: unknown[]; status: string } }).cluster,
          ),
        );
        return states.every((c) => c.status === "ready" && c.peers.length === 2) ? true : undefined;
      },
      30_000,
    );
    exporter = await createExporter(testConfig({}, join(dir, "exporter-data")));
    exporterUrl = (await exporter.listen(0, "127.0.0.1")).url;
    prometheus = await startPrometheus(
      prometheusBinary.path!,
      dir,
      prometheusTestConfig({
        exporterAddress: new URL(exporterUrl).host,
        alertmanagerAddress: peers.map((p) => p.address),
        file: "prometheus-ha.yml",
      }),
    );
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    for (const p of peers) await p.stop();
    await receiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("delivers each alert group exactly once although both peers hold the alert", async () => {
    await killSwitch("ha-alpha");
    await waitUntil("the first notification", () => (firingsOf("ha-alpha").length > 0 ? true : undefined), 60_000);
    // Both peers received the alert from Prometheus, so each could have notified on its own.
    for (const p of peers) {
      const alerts = await alertmanagerAlerts(p.url);
      expect(alerts.some((a) => a.labels.bot === "ha-alpha" && a.labels.alertname === "TradingKillSwitchActive")).toBe(true);
      expect(alerts.every((a) => a.labels.replica === undefined)).toBe(true);
    }
    // The second peer would send one peer_timeout (2 s) after the first if it had not learnt of the
    // first's notification; wait several times that, and several group intervals.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(firingsOf("ha-alpha")).toHaveLength(1);
  }, 90_000);

  it("still delivers, once, with one peer killed mid-scenario", async () => {
    await peers[0]!.kill();
    await killSwitch("ha-beta");
    await waitUntil("a notification from the surviving peer", () => (firingsOf("ha-beta").length > 0 ? true : undefined), 60_000);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(firingsOf("ha-beta")).toHaveLength(1);
    // The group delivered before the kill was not sent again by the survivor.
    expect(firingsOf("ha-alpha")).toHaveLength(1);
  }, 90_000);
});
