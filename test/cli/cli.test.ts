// The CLI as a user runs it: `check-config` exit codes and messages, and the first start that
// generates the HMAC secret without ever printing it.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/exporter.js";
import { REPO_ROOT, startExporterProcess, writeConfig } from "../support/process.js";

const run = promisify(execFile);
const FIXTURES = join(REPO_ROOT, "test/fixtures/config");

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli.ts"), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TRADING_EXPORTER_CONFIG: "", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("trading-exporter check-config", () => {
  it("exits 0 for a valid file and prints it with secrets redacted", async () => {
    const r = await cli(["check-config", "--config", join(FIXTURES, "full.yaml")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/configuration is valid/);
    expect(r.stdout).toMatch(/<redacted>/);
  });

  it("exits 1 naming the file and the key for an invalid file", async () => {
    const file = join(FIXTURES, "invalid-unknown-top-level-key.yaml");
    const r = await cli(["check-config", "--config", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid-unknown-top-level-key.yaml");
    expect(r.stderr).toContain('unknown key "listn"');
  });

  it("reads the file named by TRADING_EXPORTER_CONFIG and reports bad environment values", async () => {
    const r = await cli(["check-config"], { TRADING_EXPORTER_CONFIG: join(FIXTURES, "full.yaml"), SMTP_PORT: "not-a-port" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("SMTP_PORT");
  });

  it("rejects an unknown verb with the usage", async () => {
    const r = await cli(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: trading-exporter/);
  });
});

describe("trading-exporter rules", () => {
  it("prints the bundled Prometheus rules, linking to external_url's Grafana", async () => {
    const plain = await cli(["rules"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(readFileSync(join(REPO_ROOT, "prometheus/rules/trading-alerts.yml"), "utf8"));
    const dir = tempDir();
    const config = writeConfig(dir, { external_url: "https://grafana.example.net" });
    const linked = await cli(["rules", "--config", config]);
    expect(linked.stdout).toContain("https://grafana.example.net/d/");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("first start without an HMAC secret", () => {
  it("generates <data_dir>/hmac_secret with mode 0600 and logs its path, never the secret", async () => {
    const dir = tempDir();
    const dataDir = join(dir, "data");
    const config = writeConfig(dir, { listen: "127.0.0.1:0", data_dir: dataDir });
    const proc = await startExporterProcess(config, { env: { HMAC_SECRET: "" } });
    try {
      const file = join(dataDir, "hmac_secret");
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const secret = readFileSync(file, "utf8").trim();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(proc.output()).toContain(file);
      expect(proc.output()).not.toContain(secret);
      const ready = await fetch(`${proc.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
