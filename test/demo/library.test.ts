// The library surface (src/index.ts, what `import … from "trading-exporter"` gives): the exporter
// from a partial config object, validated like a file, and the names the docs promise.
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
import { tempDir } from "../support/exporter.js";

describe("the library's public surface", () => {
  it("exports what docs/getting-data-in.md names", () => {
    for (const name of [
      "createExporter",
      "createExporterFromOptions",
      "loadConfig",
      "parseConfig",
      "configSchema",
      "ConfigError",
      "TradingExporterClient",
      "TradingExporterError",
      "TradingExporterUnavailableError",
      "sign",
      "signedHeaders",
      "Engine",
      "ManualClock",
      "systemClock",
      "IngestError",
      "eventInputSchema",
      "openApiDocument",
    ]) {
      expect(lib, name).toHaveProperty(name);
    }
  });

  it("createExporterFromOptions validates a partial config like a file, naming a mistyped key", async () => {
    const err = await lib.createExporterFromOptions({ listn: "127.0.0.1:0" } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(lib.ConfigError);
    expect((err as Error).message).toContain('unknown key "listn"');
  });

  it("createExporterFromOptions runs an exporter whose ingest applies events and rejects bad ones", async () => {
    const dir = tempDir("te-lib-");
    const clock = new lib.ManualClock(Date.UTC(2026, 0, 1, 12));
    const exporter = await lib.createExporterFromOptions(
      { data_dir: dir, metrics: { initial_equity: 5000 }, auth: { hmac_secrets: ["library-test-secret-0123"] } },
      { clock },
    );
    try {
      expect(await exporter.ingest({ type: "trade", bot: "lib", id: "1", pnl: 50 })).toEqual({ accepted: 1, duplicates: 0 });
      expect(exporter.engine.performance("lib")).toMatchObject({ equity: 5050, total_pnl: 50, initial_equity: 5000 });
      const bad = await exporter.ingest([{ type: "equity", bot: "lib", equity: 0 }]).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(lib.IngestError);
      expect((bad as InstanceType<typeof lib.IngestError>).errors).toEqual([
        { index: 0, path: "equity", message: "must be greater than 0" },
      ]);
    } finally {
      await exporter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
