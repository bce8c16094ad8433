// An exporter inside the bench process, on a fresh SQLite file in a temp directory, listening on
// an ephemeral loopback port; the load comes from another process (load-generator.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema, type Config } from "../../src/config/index.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { widenInliningBudget } from "../../src/jit-inlining.js";
import { limitHeapHeadroom } from "../../src/memory-headroom.js";

export const BENCH_SECRET = "bench-secret-0123456789abcdef";

export function benchDataDir(): string {
  return mkdtempSync(join(tmpdir(), "te-bench-"));
}

export function benchConfig(partial: Record<string, unknown> = {}, dataDir = benchDataDir()): Config {
  const auth = { ...(partial.auth as object | undefined), hmac_secrets: [BENCH_SECRET] };
  return configSchema.parse({ listen: "127.0.0.1:0", ...partial, data_dir: dataDir, auth });
}

export interface RunningExporter {
  exporter: Exporter;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startBenchExporter(partial: Record<string, unknown> = {}): Promise<RunningExporter> {
  const config = benchConfig(partial);
  // The V8 settings `serve` makes; no-ops under run.ts, which starts the process with them.
  limitHeapHeadroom();
  widenInliningBudget();
  const exporter = await createExporter(config);
  const { url } = await exporter.listen(0, "127.0.0.1");
  return {
    exporter,
    url,
    dataDir: config.data_dir,
    async stop() {
      await exporter.close();
      rmSync(config.data_dir, { recursive: true, force: true });
    },
  };
}

/** Gives `bots` bots a few trades each through the pipeline (in-process: seeding, not measuring). */
export async function seedBots(exporter: Exporter, bots: number, tradesPerBot = 20): Promise<void> {
  const events: object[] = [];
  for (let b = 0; b < bots; b++) {
    for (let t = 0; t < tradesPerBot; t++) events.push({ type: "trade", bot: `bot-${b}`, id: `seed-${b}-${t}`, pnl: ((t * 37) % 21) - 10 });
    events.push({ type: "positions", bot: `bot-${b}`, open: b % 4, max: 5 });
    events.push({ type: "api_status", bot: `bot-${b}`, status: "connected", latency_ms: 20 });
  }
  for (let i = 0; i < events.length; i += 10_000) await exporter.ingest(events.slice(i, i + 10_000));
}
