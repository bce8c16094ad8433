#!/usr/bin/env node
// trading-exporter [serve|check-config|rules|send|demo] [--config FILE]: the verbs of §2.
//
// Each verb imports what it needs when it runs: `serve` pays neither for the demo's MQTT client
// nor for the sender, and `--help` or `send` do not load the exporter (start-up time, §2).
import { parseArgs } from "node:util";
import type { Config } from "./config/index.js";
import { widenInliningBudget } from "./jit-inlining.js";
import { limitHeapHeadroom } from "./memory-headroom.js";

const USAGE = `Usage: trading-exporter [verb] [--config FILE]

Verbs:
  serve          run the exporter (default)
  check-config   validate the configuration and exit (0: valid, 1: invalid)
  send           sign and send an event: send trade --bot b --id 42 --pnl -12.5 (send --help)
  demo           the exporter plus three simulated bots (demo --help)
  freqtrade-webhook --bot B --url URL
                 print the "webhook" block for Freqtrade's config.json
  rules          print the Prometheus alerting rules (thresholds are read from the exporter's
                 trading_alert_* series, so run-time changes need no new rules)

Options:
  --config FILE  YAML configuration (also TRADING_EXPORTER_CONFIG)
  --help         this text
`;

type Verb = (args: string[], config: () => Config) => Promise<number>;

const verbs: Record<string, Verb> = {
  serve: async (_args, config) => {
    const cfg = config();
    const [{ createExporter }, { createLogger }, { defaultWebDir }] = await Promise.all([
      import("./exporter.js"),
      import("./logger.js"),
      import("./web-dir.js"),
    ]);
    const logger = createLogger(cfg.log_level);
    const exporter = await createExporter(cfg, { logger, webDir: defaultWebDir() });
    await exporter.listen();
    const stop = async (signal: string) => {
      logger.info({ signal }, "shutting down");
      await exporter.close();
      process.exit(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
    return new Promise<number>(() => {}); // runs until a signal
  },
  rules: async (_args, config) => {
    const cfg = config();
    const { renderRules } = await import("./bundle/rules.js");
    process.stdout.write(renderRules(cfg.external_url ? { grafanaUrl: cfg.external_url } : {}));
    return 0;
  },
  "check-config": async (_args, config) => {
    const cfg = config();
    const { redactConfig } = await import("./config/index.js");
    process.stdout.write(`configuration is valid\n${JSON.stringify(redactConfig(cfg), null, 2)}\n`);
    return 0;
  },
};

export async function main(argv: string[]): Promise<number> {
  // send and demo parse their own options (`--pnl -12.5` must reach send intact).
  if (argv[0] === "send") return (await import("./cli/send.js")).sendVerb(argv.slice(1), process.env);
  if (argv[0] === "demo") return (await import("./cli/demo.js")).demoVerb(argv.slice(1), process.env);
  if (argv[0] === "freqtrade-webhook") return (await import("./cli/freqtrade-webhook.js")).freqtradeWebhookVerb(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: "string" }, help: { type: "boolean" } },
    allowPositionals: true,
    strict: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [name = "serve", ...rest] = positionals;
  const verb = verbs[name];
  if (!verb) {
    process.stderr.write(`unknown verb "${name}"\n\n${USAGE}`);
    return 2;
  }
  // Before the modules and the configuration are loaded: V8 grows its young generation while
  // they are, and does not shrink it again under load (memory-headroom.ts); and before any code
  // is hot enough to be optimized (jit-inlining.ts).
  if (name === "serve") {
    limitHeapHeadroom();
    widenInliningBudget();
  }
  const { ConfigError, loadConfig } = await import("./config/index.js");
  const file = typeof values.config === "string" ? values.config : undefined;
  try {
    return await verb(rest, () => loadConfig({ file, env: process.env }));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`invalid configuration:\n${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`trading-exporter: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
