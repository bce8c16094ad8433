// A real exporter on a real SQLite file in a temp directory, with a hand-moved clock, plus signed
// supertest requests. Everything a test starts here, `stop()` stops.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { configSchema, type Config } from "../../src/config/index.js";
import { ManualClock } from "../../src/domain/clock.js";
import { signedHeaders } from "../../src/domain/signature.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import type { Logger } from "../../src/logger.js";

export const SECRET = "test-secret-0123456789abcdef";

export function tempDir(prefix = "te-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fully defaulted config from a partial YAML-shaped object. */
export function testConfig(partial: Record<string, unknown> = {}, dataDir = tempDir()): Config {
  const auth = { hmac_secrets: [SECRET], ...((partial.auth as object) ?? {}) };
  return configSchema.parse({ listen: "127.0.0.1:0", ...partial, data_dir: dataDir, auth });
}

export interface Harness {
  exporter: Exporter;
  clock: ManualClock;
  dataDir: string;
  /** A signed write at the clock's current time. */
  post(path: string, body: unknown, opts?: { secret?: string; contentType?: string; raw?: string }): request.Test;
  put(path: string, body: unknown): request.Test;
  get(path: string): request.Test;
  stop(removeData?: boolean): Promise<void>;
}

export async function startHarness(
  partial: Record<string, unknown> = {},
  opts: { now?: number; dataDir?: string; snapshotEvery?: number; logger?: Logger } = {},
): Promise<Harness> {
  const dataDir = opts.dataDir ?? tempDir();
  const clock = new ManualClock(opts.now ?? Date.UTC(2026, 0, 1, 18));
  const exporter = await createExporter(testConfig(partial, dataDir), { clock, snapshotEvery: opts.snapshotEvery, logger: opts.logger });
  const agent = request(exporter.handle);
  return {
    exporter,
    clock,
    dataDir,
    post(path, body, o = {}) {
      const raw = o.raw ?? JSON.stringify(body);
      const headers = signedHeaders(o.secret ?? SECRET, "POST", path, raw, clock.now());
      return agent
        .post(path)
        .set(headers)
        .set("Content-Type", o.contentType ?? "application/json")
        .send(raw);
    },
    put(path, body) {
      const raw = JSON.stringify(body);
      return agent
        .put(path)
        .set(signedHeaders(SECRET, "PUT", path, raw, clock.now()))
        .set("Content-Type", "application/json")
        .send(raw);
    },
    get: (path) => agent.get(path),
    async stop(removeData = true) {
      await exporter.close();
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
