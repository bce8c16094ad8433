// The built command line as `npm start`, the Docker image and the installed `trading-exporter` bin
// run it: tsc's output bundled by scripts/bundle-cli.mjs into dist/cli.js and its chunks. The
// other process tests run src/cli.ts through tsx, so this is the one that would see the bundle
// lose a module, a file it reads next to itself (web/, package.json) or a lazily loaded chunk.
// It builds a private copy, so it never races another test that reads dist/.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/exporter.js";
import { REPO_ROOT, startExporterProcess, writeConfig, type ExporterProcess } from "../support/process.js";

const run = promisify(execFile);
const SECRET = "bundle-test-secret-0123456789abcdef";

describe("the bundled dist/cli.js", () => {
  const root = tempDir("te-bundle-");
  const cli = join(root, "dist", "cli.js");
  let exporter: ExporterProcess;

  beforeAll(async () => {
    // The package's layout: dist/ beside package.json, web/ and node_modules/.
    cpSync(join(REPO_ROOT, "package.json"), join(root, "package.json"));
    symlinkSync(join(REPO_ROOT, "web"), join(root, "web"));
    symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"));
    await run(
      process.execPath,
      [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", join(root, "dist")],
      {
        cwd: REPO_ROOT,
      },
    );
    await run(process.execPath, [join(REPO_ROOT, "scripts/bundle-cli.mjs"), join(root, "dist")], { cwd: REPO_ROOT });
    const dataDir = join(root, "data");
    mkdirSync(dataDir);
    exporter = await startExporterProcess(
      writeConfig(root, { listen: "127.0.0.1:0", data_dir: dataDir, log_level: "info", auth: { hmac_secrets: [SECRET] } }),
      { cli },
    );
  }, 120_000);

  afterAll(async () => {
    await exporter?.stop();
  });

  it("is one entry file plus chunks, none of them the exporter's separate modules", () => {
    const files = readdirSync(join(root, "dist")).filter((f) => f.startsWith("cli"));
    expect(files).toContain("cli.js");
    expect(files.some((f) => /^cli-[A-Z0-9]+\.js$/.test(f))).toBe(true);
  });

  it("serves: a trade sent by its own send verb is on /metrics, the dashboard and the API answer", async () => {
    const sent = await run(process.execPath, [cli, "send", "trade", "--bot", "bundled", "--id", "t-1", "--pnl", "12.5"], {
      env: { ...process.env, TRADING_EXPORTER_URL: exporter.url, HMAC_SECRET: SECRET },
    });
    expect(sent.stdout).toMatch(/accepted/i);
    const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(metrics).toMatch(/^trading_trades_total\{bot="bundled",outcome="win"\} 1$/m);
    const dashboard = await fetch(`${exporter.url}/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toMatch(/<html/i);
    const realtime = (await (await fetch(`${exporter.url}/api/v1/metrics/realtime?bot=bundled`)).json()) as {
      bots: { total_pnl: number }[];
    };
    expect(realtime.bots[0]!.total_pnl).toBe(12.5);
    expect((await fetch(`${exporter.url}/readyz`)).status).toBe(200);
  });

  it("answers --help and check-config without starting the exporter", async () => {
    const help = await run(process.execPath, [cli, "--help"]);
    expect(help.stdout).toMatch(/Usage: trading-exporter/);
    const check = await run(process.execPath, [cli, "check-config", "--config", join(REPO_ROOT, "test/fixtures/config/full.yaml")], {
      env: { ...process.env, TRADING_EXPORTER_CONFIG: "" },
    });
    expect(check.stdout).toMatch(/configuration is valid/);
    expect(check.stdout).not.toContain("fixture-slack-path");
  });
});
