// A real Mosquitto broker (Debian's binary, loopback, ephemeral port), a publisher that sends what
// Hummingbot sends, and an exporter with `sources.hummingbot` pointed at the broker.
import mqtt, { type MqttClient } from "mqtt";
import { ManualClock } from "../../../src/domain/clock.js";
import { MosquittoBroker } from "../../../src/demo/mosquitto.js";
import { createExporter, type Exporter } from "../../../src/exporter.js";
import { requireBinary } from "../../support/binaries.js";
import { tempDir, testConfig } from "../../support/exporter.js";
import { parsePrometheusText, seriesId } from "../../support/prom-text.js";

export const MOSQUITTO = requireBinary("mosquitto", "apt-get install mosquitto (Debian/Ubuntu), brew install mosquitto (macOS)");
export const NOW = Date.UTC(2026, 0, 1, 18);
/** Fill times (epoch seconds, as Hummingbot stamps events) an hour before the test clock. */
export const T0 = NOW / 1000 - 3600;

export function startBroker(port?: number): Promise<MosquittoBroker> {
  return MosquittoBroker.start(MOSQUITTO.path!, port);
}

export interface Publisher {
  publish(instance: string, channel: string, payload: unknown, qos?: 0 | 1): Promise<void>;
  close(): Promise<void>;
}

export async function publisher(url: string, namespace = "hbot"): Promise<Publisher> {
  const client: MqttClient = await mqtt.connectAsync(url, {
    clientId: `hbot-test-${Math.random().toString(16).slice(2)}`,
    reconnectPeriod: 100,
  });
  return {
    async publish(instance, channel, payload, qos = 1) {
      const body = typeof payload === "string" ? payload : JSON.stringify(payload);
      await client.publishAsync(`${namespace}/${instance}/${channel}`, body, { qos });
    },
    close: () => client.endAsync(true),
  };
}

export async function startExporter(
  url: string,
  opts: { dataDir?: string; clock?: ManualClock; partial?: Record<string, unknown>; instances?: string[] | "*" } = {},
): Promise<{ exporter: Exporter; clock: ManualClock; dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir("te-hb-");
  const clock = opts.clock ?? new ManualClock(NOW);
  const source = { url, instances: opts.instances ?? ["bot1"], bot_prefix: "hb-", reconnect_max_seconds: 2 };
  const config = testConfig({ ...opts.partial, sources: { hummingbot: [source] } }, dataDir);
  const exporter = await createExporter(config, { clock });
  return { exporter, clock, dataDir };
}

export async function metric(exporter: Exporter, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const { body } = await exporter.metrics.render(undefined);
  return parsePrometheusText(body).get(seriesId(name, labels));
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
