// `trading-exporter demo` as a user runs it: a real process that prints where to look, serves the
// three bots' figures while it runs, stops after --duration, and leaves the state in --data-dir.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/exporter.js";
import { REPO_ROOT } from "../support/process.js";

/** Resolves with the first match of `pattern` in the growing output, or rejects when the process ends first. */
function waitFor(get: () => string, pattern: RegExp, exited: Promise<number | null>): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let done = false;
    const poll = setInterval(() => {
      const m = pattern.exec(get());
      if (m) {
        done = true;
        clearInterval(poll);
        resolve(m);
      }
    }, 20);
    void exited.then((code) => {
      if (done) return;
      clearInterval(poll);
      const m = pattern.exec(get());
      if (m) resolve(m);
      else reject(new Error(`exited with ${code} before ${pattern}:\n${get()}`));
    });
  });
}

describe("trading-exporter demo", () => {
  it("serves the three bots while it runs, then stops after --duration with a summary", async () => {
    const dataDir = join(tempDir("te-demo-"), "state");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "src/cli.ts"), "demo", "--duration", "3", "--data-dir", dataDir],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TRADING_EXPORTER_CONFIG: "", LISTEN_ADDRESS: "127.0.0.1:0" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const [, url] = await waitFor(() => out, /metrics \(JSON\)\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/metrics\/realtime/, exited);
      let bots: { bot: string; trades: { total: number } }[] = [];
      const simulatedCount = () => bots.filter((b) => b.bot !== "hb-demo-mm").length;
      for (let i = 0; i < 100 && simulatedCount() < 3; i++) {
        const res = await fetch(`${url}/api/v1/metrics/realtime`);
        expect(res.status).toBe(200);
        bots = ((await res.json()) as { bots: typeof bots }).bots;
        if (simulatedCount() < 3) await new Promise((r) => setTimeout(r, 20));
      }
      // The three simulated bots, plus the Hummingbot-style one where mosquitto is installed.
      const simulated = bots.filter((b) => b.bot !== "hb-demo-mm");
      expect(simulated.map((b) => b.bot).sort()).toEqual(["flaky-bot", "steady-eddie", "yolo-trader"]);
      for (const b of simulated) expect(b.trades.total, b.bot).toBeGreaterThan(0);

      expect(await exited, out).toBe(0);
      expect(out).toMatch(/^bot\s+trades\s+equity/m);
      expect(out).toMatch(/^steady-eddie\s+\d+/m);
      expect(existsSync(join(dataDir, "hmac_secret")), "the state is kept in --data-dir").toBe(true);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
      rmSync(join(dataDir, ".."), { recursive: true, force: true });
    }
  });
});

describe("demoVerb options", () => {
  it("exits 2 with the usage on a bad option, before starting anything", async () => {
    const { demoVerb } = await import("../../src/cli/demo.js");
    for (const [args, message] of [
      [["--speed", "0"], /--speed must be a number from 0.1 to 100/],
      [["--duration", "soon"], /--duration must be a number/],
      [["--seed", "1.5"], /--seed must be a whole number/],
      [["--colour", "red"], /Unknown option '--colour'/],
    ] as [string[], RegExp][]) {
      let stderr = "";
      const code = await demoVerb(args, {}, { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } });
      expect(code, args.join(" ")).toBe(2);
      expect(stderr, args.join(" ")).toMatch(message);
    }
  });
});
