// A real Prometheus and a real Alertmanager for end-to-end tests, configured from the committed bundle
// (prometheus/prometheus.yml, alertmanager/alertmanager.yml) with only what a test must change: the
// targets (loopback, ephemeral ports), the intervals (1 s) and the delivery endpoints (local receivers).
// Each binary runs in its own process group on 127.0.0.1:0 with a temporary storage directory; the test
// that starts one stops it.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "./process.js";

export interface RunningBinary {
  /** http://127.0.0.1:<port> */
  url: string;
  /** host:port, as a scrape or Alertmanager target. */
  address: string;
  /** Everything the process logged so far, for failure messages. */
  log(): string;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a crash, no shutdown code runs. */
  kill(): Promise<void>;
}

/**
 * Spawns `binary` in a new process group and resolves once it logs its bound address
 * (exporter-toolkit's `msg="Listening on" address=127.0.0.1:41234`, printed by both Prometheus and
 * Alertmanager) and its readiness endpoint answers 200.
 */
async function startListening(name: string, binary: string, args: string[]): Promise<RunningBinary> {
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is already gone
      }
    };
    if (graceMs > 0) signalGroup("SIGTERM");
    const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };

  let address: string;
  try {
    address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not listen within 20 s:\n${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const match = /msg="Listening on" address=(\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("error", (err) => (clearTimeout(timer), reject(err)));
      void exited.then(
        () => (clearTimeout(timer), reject(new Error(`${name} exited with ${child.exitCode} before listening:\n${output}`))),
      );
    });
    const url = `http://${address}`;
    await waitUntil(`${name} ready`, async () => ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ? true : undefined), 20_000);
    return { url, address, log: () => output, stop, kill: () => stop(0) };
  } catch (err) {
    await stop(1_000);
    throw err;
  }
}

/** Polls `probe` every 100 ms until it returns something other than undefined, or throws at the deadline. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// Prometheus

// Parsed YAML is untyped; these helpers only copy and override a few known keys.
type Yaml = Record<string, any>;

/**
 * The committed prometheus/prometheus.yml with 1 s intervals, its `trading-exporter` job pointed at
 * `exporterAddress`, its rule files resolved to the committed rules (not copies) and its alerts sent to
 * `alertmanagerAddress`. The other jobs (demo exporter, Prometheus, Alertmanager) name compose hosts
 * and are dropped.
 */
export function prometheusTestConfig(opts: { exporterAddress: string; alertmanagerAddress: string | string[]; file?: string }): string {
  const bundleDir = join(REPO_ROOT, "prometheus");
  const bundled = parse(readFileSync(join(bundleDir, opts.file ?? "prometheus.yml"), "utf8")) as Yaml;
  const alertmanagers = [opts.alertmanagerAddress].flat();
  // The bundled file's own alerting block (relabelling included), with its targets replaced one for one.
  const bundledTargets = ((bundled.alerting as Yaml).alertmanagers as Yaml[]).flatMap((a) =>
    (a.static_configs as Yaml[]).flatMap((c) => c.targets as string[]),
  );
  if (bundledTargets.length !== alertmanagers.length) {
    throw new Error(
      `${opts.file ?? "prometheus.yml"} sends to ${bundledTargets.length} Alertmanager(s), the test runs ${alertmanagers.length}`,
    );
  }
  const job = (bundled.scrape_configs as Yaml[]).find((j) => j.job_name === "trading-exporter");
  if (!job) throw new Error("prometheus/prometheus.yml has no trading-exporter job");
  const config = {
    ...bundled,
    global: { ...bundled.global, scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: (bundled.rule_files as string[]).map((p) => (isAbsolute(p) ? p : join(bundleDir, p))),
    alerting: { ...bundled.alerting, alertmanagers: [{ static_configs: [{ targets: alertmanagers }] }] },
    scrape_configs: [{ ...job, static_configs: [{ targets: [opts.exporterAddress] }] }],
  };
  return stringify(config);
}

export async function startPrometheus(binary: string, dir: string, configYaml: string): Promise<RunningBinary> {
  const configFile = join(dir, "prometheus.yml");
  writeFileSync(configFile, configYaml);
  return startListening("prometheus", binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, "prometheus-data")}`,
    "--web.listen-address=127.0.0.1:0",
  ]);
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query; throws on a Prometheus error (a bad expression is a failure, not "no data"). */
export async function promQuery(prometheusUrl: string, expr: string): Promise<PromSample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  if (body.status !== "success") throw new Error(`query failed (${res.status}): ${body.error} for ${expr}`);
  const { resultType, result } = body.data!;
  if (resultType === "vector") return result as PromSample[];
  if (resultType === "scalar") return [{ metric: {}, value: result as [number, string] }];
  throw new Error(`unexpected ${resultType} result for ${expr}`);
}

// ---------------------------------------------------------------------------------------------
// Alertmanager

/**
 * The committed alertmanager/alertmanager.yml with its route tree, grouping and inhibit_rules untouched
 * except the timers (group_wait and group_interval 1 s, so a test does not wait 30 s), and every
 * receiver's Slack/email/Telegram configs replaced by one webhook to `receiverUrl(name)`: what reaches
 * which URL is then decided by the bundle's own routing. The secret files the global section names
 * exist only in a deployment, so those keys are dropped; the templates are loaded from the repository.
 */
export function alertmanagerTestConfig(receiverUrl: (receiver: string) => string): string {
  const bundleDir = join(REPO_ROOT, "alertmanager");
  const bundled = parse(readFileSync(join(bundleDir, "alertmanager.yml"), "utf8")) as Yaml;
  const global = { ...bundled.global };
  for (const key of Object.keys(global)) if (key.endsWith("_file")) delete global[key];
  const shorten = (route: Yaml): Yaml => ({
    ...route,
    ...(route.group_wait !== undefined ? { group_wait: "1s" } : {}),
    ...(route.group_interval !== undefined ? { group_interval: "1s" } : {}),
    ...(route.routes ? { routes: (route.routes as Yaml[]).map(shorten) } : {}),
  });
  const config = {
    ...bundled,
    global,
    templates: ((bundled.templates as string[]) ?? []).map((p) => (isAbsolute(p) ? p : join(bundleDir, p))),
    route: shorten(bundled.route as Yaml),
    receivers: (bundled.receivers as Yaml[]).map((r) => ({
      name: r.name,
      webhook_configs: [{ url: receiverUrl(r.name), send_resolved: true }],
    })),
  };
  return stringify(config);
}

/** A peer of an Alertmanager cluster: its gossip address and the other peers'. */
export interface ClusterPeer {
  listen: string;
  peers: string[];
}

/**
 * Without `cluster`, a lone Alertmanager (no gossip port). With it, a peer gossiping on loopback; the
 * peer timeout is 2 s instead of 15 s, so a test sees in seconds whether the second peer stays silent.
 */
export async function startAlertmanager(binary: string, dir: string, configYaml: string, cluster?: ClusterPeer): Promise<RunningBinary> {
  const configFile = join(dir, "alertmanager.yml");
  writeFileSync(configFile, configYaml);
  const gossip = cluster
    ? [
        `--cluster.listen-address=${cluster.listen}`,
        // A loopback listen address is not a private IP, so Alertmanager cannot deduce one to advertise.
        `--cluster.advertise-address=${cluster.listen}`,
        ...cluster.peers.map((p) => `--cluster.peer=${p}`),
        "--cluster.peer-timeout=2s",
      ]
    : ["--cluster.listen-address="]; // no gossip port: loopback HTTP only
  return startListening("alertmanager", binary, [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, "alertmanager-data")}`,
    "--web.listen-address=127.0.0.1:0",
    ...gossip,
  ]);
}

/** An alert as Alertmanager's API v2 lists it. */
export interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: "active" | "suppressed" | "unprocessed"; inhibitedBy: string[]; silencedBy: string[] };
}

export async function alertmanagerAlerts(alertmanagerUrl: string): Promise<AmAlert[]> {
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`);
  if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status}`);
  return (await res.json()) as AmAlert[];
}

/** The JSON body Alertmanager's webhook_configs POST (version 4). */
export interface AmWebhookMessage {
  receiver: string;
  status: "firing" | "resolved";
  alerts: Array<{ status: "firing" | "resolved"; labels: Record<string, string>; annotations: Record<string, string> }>;
  groupLabels: Record<string, string>;
}
