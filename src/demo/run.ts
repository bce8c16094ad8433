// Plays the demo: a real exporter (SQLite under a temp dir, HTTP, dashboard) fed in-process by the
// simulated bots on a timer. `speed` runs demo time faster than the wall clock (for a quick look
// and for tests); the exporter then runs on the same scaled clock, so staleness, daily periods and
// alert timing stay consistent with the events' times.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../config/index.js";
import { systemClock, type Clock } from "../domain/clock.js";
import { createExporter } from "../exporter.js";
import { createLogger, silentLogger } from "../logger.js";
import { hmacSecretPath } from "../store/hmac-secret.js";
import { defaultWebDir } from "../web-dir.js";
import { CHARACTERS, CYCLE_STEPS, DEMO_STALE_AFTER_SECONDS, STEP_MS } from "./characters.js";
import { seededRng } from "./random.js";
import { initialState, simulateStep, type DemoState } from "./simulation.js";
import { summaryTable } from "./summary.js";
import { DEMO_HUMMINGBOT_INSTANCE, DEMO_HUMMINGBOT_PREFIX, DemoHummingbot, findMosquitto, MOSQUITTO_HINT } from "./hummingbot-bot.js";
import { MosquittoBroker } from "./mosquitto.js";

export interface DemoRunOptions {
  seed: number;
  /** Demo seconds per wall-clock second. */
  speed: number;
  /** Stop after this many wall-clock seconds; run until `signal` aborts otherwise. */
  durationSeconds?: number;
  /** Keep state here (kept afterwards); a fresh temp dir, removed at the end, otherwise. */
  dataDir?: string;
  /** Log the exporter's JSON lines (at the config's level) instead of keeping quiet. */
  verbose?: boolean;
  signal?: AbortSignal;
  /** The mosquitto binary for the Hummingbot-style bot; found on PATH when absent, null for none. */
  mosquitto?: string | null;
}

export interface DemoIo {
  stdout: { write(s: string): unknown };
}

/** The demo's changes to the user's config: its data dir and a short staleness limit. */
export function demoConfig(base: Config, dataDir: string): Config {
  return { ...base, data_dir: dataDir, health: { ...base.health, stale_after_seconds: DEMO_STALE_AFTER_SECONDS } };
}

/** Time that runs `speed` times faster than the wall clock from now on. */
export function scaledClock(speed: number, origin = Date.now()): Clock {
  return speed === 1 ? systemClock : { now: () => origin + Math.round((Date.now() - origin) * speed) };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

const HUMMINGBOT_BOT = DEMO_HUMMINGBOT_PREFIX + DEMO_HUMMINGBOT_INSTANCE;

function banner(url: string, o: DemoRunOptions, dataDir: string, secretFile: string | null, broker: MosquittoBroker | null): string {
  const lines = [
    `trading-exporter demo: three simulated bots (${CHARACTERS.map((c) => c.bot).join(", ")}), seed ${o.seed}` +
      (o.speed === 1 ? "" : `, ${o.speed}x speed`),
    "",
    `  dashboard         ${url}/`,
    `  metrics (JSON)    ${url}/api/v1/metrics/realtime`,
    `  health            ${url}/api/v1/health/status   and   ${url}/api/v1/health/safety`,
    `  alerts            ${url}/api/v1/alerts/history`,
    `  Prometheus        ${url}/metrics`,
    `  API description   ${url}/api/v1/openapi.json`,
    "",
    "What to look for (one act takes " + Math.round((CYCLE_STEPS * STEP_MS) / 1000 / o.speed) + " s, then it repeats):",
    "  steady-eddie  small steady wins: positive Sharpe, HEALTHY throughout",
    "  yolo-trader   big swings, then 14 losses in a row: consecutive-loss and drawdown alerts, then a comeback",
    "  flaky-bot     about breakeven; API degraded → circuit breaker → positions near max → API disconnected →",
    `                kill switch (CRITICAL) → silence: stale after ${DEMO_STALE_AFTER_SECONDS} s (DEGRADED, bot_stale alert)`,
    broker
      ? `  ${HUMMINGBOT_BOT}     a Hummingbot-style market maker publishing fills through mosquitto (${broker.url}); trades by FIFO matching`
      : `  (a Hummingbot-style bot over MQTT joins when mosquitto is available: ${MOSQUITTO_HINT})`,
    "",
    `  data: ${dataDir}`,
  ];
  if (secretFile) lines.push(`  send your own events: trading-exporter send heartbeat --bot me --url ${url} --secret-file ${secretFile}`);
  lines.push(o.durationSeconds === undefined ? "Ctrl-C stops the demo." : `Stopping after ${o.durationSeconds} s.`, "");
  return lines.join("\n") + "\n";
}

/** Runs the demo to the end (duration or abort); resolves to the exit code. */
export async function runDemo(base: Config, o: DemoRunOptions, io: DemoIo): Promise<number> {
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "trading-exporter-demo-"));
  const config = demoConfig(base, dataDir);
  const clock = scaledClock(o.speed);
  const logger = o.verbose ? createLogger(config.log_level) : silentLogger;
  const mosquitto = o.mosquitto === undefined ? findMosquitto() : o.mosquitto;
  const broker = mosquitto
    ? await MosquittoBroker.start(mosquitto).catch((err: Error) => {
        io.stdout.write(`mosquitto did not start (${err.message.split("\n")[0]}); the demo runs without its Hummingbot-style bot\n`);
        return null;
      })
    : null;
  if (broker) {
    const hummingbot = {
      url: broker.url,
      namespace: "hbot",
      instances: [DEMO_HUMMINGBOT_INSTANCE],
      bot_prefix: DEMO_HUMMINGBOT_PREFIX,
      reconnect_max_seconds: 5,
    };
    config.sources = { ...config.sources, hummingbot: [...config.sources.hummingbot, hummingbot] };
  }
  const exporter = await createExporter(config, { clock, logger, webDir: defaultWebDir() });
  let hummingbot: DemoHummingbot | null = null;
  try {
    const { url: bound, host, port } = await exporter.listen();
    // 0.0.0.0 is where it listens, not an address to open in a browser.
    const url = host === "0.0.0.0" || host === "::" ? `http://127.0.0.1:${port}` : bound;
    // Signed writes need the real clock: at another speed their timestamps would look skewed.
    const secretFile = config.auth.hmac_secrets.length === 0 && o.speed === 1 ? hmacSecretPath(dataDir) : null;
    io.stdout.write(banner(url, o, dataDir, secretFile, broker));
    if (broker) hummingbot = await DemoHummingbot.connect(broker.url, clock, seededRng(o.seed + 1));

    const stopAt = o.durationSeconds === undefined ? Infinity : Date.now() + o.durationSeconds * 1000;
    const rng = seededRng(o.seed);
    let state: DemoState = initialState(clock.now(), config.metrics.initial_equity);
    const wallStart = Date.now();
    while (!o.signal?.aborted && Date.now() < stopAt) {
      const { state: next, events } = simulateStep(state, rng);
      if (events.length > 0) await exporter.ingest(events);
      // A broker hiccup must not end the demo; the bot's client reconnects by itself.
      await hummingbot?.step().catch(() => undefined);
      state = next;
      const due = wallStart + (state.step * STEP_MS) / o.speed;
      await sleep(Math.min(due, stopAt) - Date.now(), o.signal);
    }
    await hummingbot?.close();
    hummingbot = null;
    // The last fills travel through the broker: give them a moment to be stored before the summary.
    if (broker) await sleep(300);
    io.stdout.write("\n" + summaryTable(exporter, [...CHARACTERS.map((c) => c.bot), HUMMINGBOT_BOT]) + "\n");
    return 0;
  } finally {
    await hummingbot?.close().catch(() => undefined);
    await exporter.close();
    await broker?.close();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
