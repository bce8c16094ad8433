// `trading-exporter demo`: the exporter plus three simulated bots (src/demo/), so a newcomer sees
// every metric, every health level and a few alerts within a minute.
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/index.js";
import { runDemo } from "../demo/run.js";

export const DEMO_USAGE = `Usage: trading-exporter demo [options]

Runs the exporter with three simulated bots. It listens where the configuration says
(default 0.0.0.0:10077; LISTEN_ADDRESS overrides) and keeps its state in a temporary directory.

Options:
  --seed N          random seed (default 42): the same seed plays the same demo
  --speed X         demo seconds per real second, 0.1 to 100 (default 1)
  --duration S      stop after S seconds (default: run until Ctrl-C)
  --data-dir DIR    keep the state in DIR instead of a temporary directory
  --config FILE     YAML configuration (also TRADING_EXPORTER_CONFIG)
  --verbose         print the exporter's JSON log lines
`;

export interface DemoCliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

function positiveNumber(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number from ${min} to ${max} (got "${raw}")`);
  return n;
}

export async function demoVerb(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: DemoCliIo = { stdout: process.stdout, stderr: process.stderr },
  signal?: AbortSignal,
): Promise<number> {
  let opts;
  try {
    const { values } = parseArgs({
      args,
      options: {
        seed: { type: "string" },
        speed: { type: "string" },
        duration: { type: "string" },
        "data-dir": { type: "string" },
        config: { type: "string" },
        verbose: { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.stdout.write(DEMO_USAGE);
      return 0;
    }
    const seed = positiveNumber("seed", values.seed, 0, 2 ** 32 - 1);
    if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be a whole number (got "${values.seed}")`);
    opts = {
      seed: seed ?? 42,
      speed: positiveNumber("speed", values.speed, 0.1, 100) ?? 1,
      durationSeconds: positiveNumber("duration", values.duration, 0.1, 31 * 86_400),
      dataDir: values["data-dir"],
      verbose: values.verbose ?? false,
      configFile: values.config,
    };
  } catch (err) {
    io.stderr.write(`demo: ${(err as Error).message}\n\n${DEMO_USAGE}`);
    return 2;
  }

  let config;
  try {
    config = loadConfig({ file: opts.configFile, env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`invalid configuration:\n${err.message}\n`);
    return 1;
  }

  // Ctrl-C ends the demo cleanly: the exporter closes and the temporary state is removed.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  signal?.addEventListener("abort", onSignal, { once: true });
  try {
    return await runDemo(config, { ...opts, signal: stop.signal }, io);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    signal?.removeEventListener("abort", onSignal);
  }
}
