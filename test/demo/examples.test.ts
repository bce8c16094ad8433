// The examples under examples/ are what a newcomer copies first: they type-check under the
// project's compiler settings (`tsc -p tsconfig.json` checks them too; this keeps it in the suite), and
// they run and produce the figures they claim.
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { SECRET, startHarness, tempDir } from "../support/exporter.js";
import { REPO_ROOT } from "../support/process.js";

const run = promisify(execFile);
const EXAMPLES = ["examples/node-bot.ts", "examples/remote-bot.ts"].map((f) => join(REPO_ROOT, f));

async function runExample(file: string, env: NodeJS.ProcessEnv, cwd = REPO_ROOT) {
  return run(process.execPath, ["--import", "tsx", file], { cwd, env: { ...process.env, ...env } });
}

describe("examples/", () => {
  it("type-check with the project's tsconfig.json settings", () => {
    const configFile = ts.readConfigFile(join(REPO_ROOT, "tsconfig.json"), (path) => ts.sys.readFile(path));
    const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, REPO_ROOT);
    const program = ts.createProgram(EXAMPLES, { ...parsed.options, noEmit: true });
    // Only the examples' own diagnostics (src/ is checked by `tsc -p tsconfig.json`); asking per file is much faster.
    const files = EXAMPLES.map((f) => program.getSourceFile(f));
    expect(files.every(Boolean), "both examples are in the program").toBe(true);
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...files.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ];
    const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(text).toEqual([]);
  }, 60_000);

  it("node-bot.ts runs an in-process exporter and reports its trades once", async () => {
    const dir = tempDir("te-example-");
    try {
      const { stdout } = await runExample(EXAMPLES[0]!, { DATA_DIR: dir, LISTEN_ADDRESS: "127.0.0.1:0", HMAC_SECRET: SECRET });
      expect(stdout).toContain("re-sent order-1001: 1 duplicate, 0 applied");
      const figures = JSON.parse(stdout.trim().split("\n").at(-1)!);
      expect(figures).toMatchObject({
        bot: "my-node-bot",
        equity: 10_061.4,
        trades: { total: 3, wins: 2, losses: 1, breakeven: 0 },
        open_positions: 1,
      });
      expect(figures.total_pnl).toBeCloseTo(52.2, 9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("remote-bot.ts sends signed events to a running exporter", async () => {
    const h = await startHarness({}, { now: Date.now() });
    try {
      const { url } = await h.exporter.listen(0, "127.0.0.1");
      const { stdout } = await runExample(EXAMPLES[1]!, { TRADING_EXPORTER_URL: url, HMAC_SECRET: SECRET });
      expect(stdout).toContain("trades: 2 applied, 0 duplicates");
      const perf = h.exporter.engine.performance("my-remote-bot");
      expect(perf.total_pnl).toBeCloseTo(85.3, 9);
      expect(perf.equity).toBeCloseTo(25_085.3, 9);
    } finally {
      await h.stop();
    }
  });
});
