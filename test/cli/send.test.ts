// `trading-exporter send` against a real exporter listening on 127.0.0.1: what it sends arrives
// with the right figures, refusals print the problem's fields, and exit codes say what happened.
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendVerb } from "../../src/cli/send.js";
import { SECRET, startHarness, tempDir, type Harness } from "../support/exporter.js";
import { REPO_ROOT } from "../support/process.js";

const run = promisify(execFile);

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

describe("trading-exporter send", () => {
  let h: Harness;
  let url: string;
  const dir = tempDir("te-send-");
  // The harness's clock stands at the real time, so the client's signatures are within the skew.
  beforeAll(async () => {
    h = await startHarness({}, { now: Date.now() });
    url = (await h.exporter.listen(0, "127.0.0.1")).url;
  });
  afterAll(async () => {
    await h.stop();
  });

  async function send(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Captured> {
    let stdout = "";
    let stderr = "";
    const code = await sendVerb([...args, "--url", url], opts.env ?? { HMAC_SECRET: SECRET }, {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: opts.cwd ?? dir,
    });
    return { code, stdout, stderr };
  }

  async function realtime(bot: string) {
    const res = await h.get(`/api/v1/metrics/realtime?bot=${bot}`);
    expect(res.status).toBe(200);
    return res.body.bots[0];
  }

  it("sends a trade that shows up in /api/v1/metrics/realtime with its pnl", async () => {
    const r = await send(["trade", "--bot", "b", "--id", "42", "--pnl", "-12.5", "--symbol", "BTC/USDT", "--side", "long"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ accepted: 1, duplicates: 0 });
    const snap = await realtime("b");
    expect(snap.total_pnl).toBe(-12.5);
    expect(snap.equity).toBe(10_000 - 12.5);
    expect(snap.trades).toEqual({ total: 1, wins: 0, losses: 1, breakeven: 0 });
  });

  it("sends a withdrawal (cashflow) that moves equity but not P&L or drawdown", async () => {
    const r = await send(["cashflow", "--bot", "cf", "--amount", "-500", "--reason", "withdrawal"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ accepted: 1, duplicates: 0 });
    const snap = await realtime("cf");
    expect(snap.equity).toBe(9_500);
    expect(snap.net_cashflow).toBe(-500);
    expect(snap.total_pnl).toBe(0);
    expect(snap.drawdown).toBe(0);
    const missing = await send(["cashflow", "--bot", "cf"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("--amount is required");
  });

  it("gives a cash flow an id once and keeps it when it retries after a lost answer: applied once", async () => {
    const bodies: Array<{ type: string; id?: string }> = [];
    let calls = 0;
    // The first attempt reaches the exporter, which applies it, but its answer is lost on the way back.
    const lossy: typeof fetch = async (input, init) => {
      // The client sends its body as a string.
      const sent = JSON.parse(init?.body as string) as Array<{ type: string; id?: string }>;
      expect(sent).toHaveLength(1);
      bodies.push(sent[0]!);
      const res = await fetch(input, init);
      if (++calls === 1) throw new TypeError("fetch failed: the connection was reset");
      return res;
    };
    let stdout = "";
    const code = await sendVerb(
      ["cashflow", "--bot", "cf-retry", "--amount", "750", "--url", url],
      { HMAC_SECRET: SECRET },
      {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: () => true },
        cwd: dir,
        fetchImpl: lossy,
      },
    );
    expect(code).toBe(0);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.type).toBe("cashflow");
    expect(bodies[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[1]!.id).toBe(bodies[0]!.id);
    expect(JSON.parse(stdout)).toEqual({ accepted: 0, duplicates: 1 });
    const snap = await realtime("cf-retry");
    expect(snap.net_cashflow).toBe(750);
    expect(snap.equity).toBe(10_750);
  });

  it("reports a re-send of the same trade id as a duplicate and applies it once", async () => {
    // Usually within the same second as the first send: the identical signature is refused as a
    // replay and send signs again in the next second; either way the answer is a duplicate.
    const r = await send(["trade", "--bot", "b", "--id", "42", "--pnl", "-12.5", "--symbol", "BTC/USDT", "--side", "long"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ accepted: 0, duplicates: 1 });
    expect(r.stderr).toMatch(/1 duplicate trade\(s\).*trade 42 of bot b/);
    expect((await realtime("b")).total_pnl).toBe(-12.5);
  });

  it("sends every other kind of event", async () => {
    const kinds = [
      ["equity", "--equity", "10500"],
      ["kill-switch", "--active", "true", "--reason", "manual stop"],
      ["circuit-breaker", "--open", "yes", "--reason", "StoplossGuard"],
      ["positions", "--open", "2", "--max", "5"],
      ["api-status", "--status", "degraded", "--latency-ms", "120"],
      ["heartbeat"],
    ];
    for (const k of kinds) {
      const r = await send([...k, "--bot", "kinds"]);
      expect(r.code, `${k[0]}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ accepted: 1, duplicates: 0 });
    }
    expect((await realtime("kinds")).equity).toBe(10_500);
    const safety = (await h.get("/api/v1/health/safety?bot=kinds")).body.bots[0];
    expect(safety.kill_switch).toMatchObject({ active: true, reason: "manual stop" });
    expect(safety.circuit_breaker).toMatchObject({ open: true, reason: "StoplossGuard", trips: 1 });
    expect(safety.positions).toEqual({ open: 2, max: 5, utilization: 0.4 });
    expect(safety.api).toMatchObject({ status: "degraded", latency_ms: 120 });
  });

  it("sends a JSONL file, filling in --bot where an event has none", async () => {
    const file = join(dir, "events.jsonl");
    writeFileSync(
      file,
      [
        '{"type":"trade","id":"a","pnl":10}',
        "",
        '{"type":"trade","id":"b","pnl":-4,"bot":"other-file"}',
        '{"type":"equity","equity":9000}',
      ].join("\n"),
    );
    const r = await send(["events", "--file", "events.jsonl", "--bot", "file-bot"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ accepted: 3, duplicates: 0 });
    expect((await realtime("file-bot")).equity).toBe(9000);
    expect((await realtime("other-file")).total_pnl).toBe(-4);
  });

  it("exits 1 with the problem's detail and each bad field on a 422, and applies nothing of the batch", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify([
        { type: "trade", bot: "bad", id: "1", pnl: 5 },
        { type: "trade", bot: "bad", id: "2", pnl: "lots" },
      ]),
    );
    const r = await send(["events", "--file", "bad.json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("422");
    expect(r.stderr).toMatch(/event 1: pnl: /);
    expect((await h.get("/api/v1/metrics/realtime?bot=bad")).status).toBe(404);

    const eq = await send(["equity", "--bot", "b", "--equity", "-5"]);
    expect(eq.code).toBe(1);
    expect(eq.stderr).toMatch(/event 0: equity: must be greater than 0/);
  });

  it("exits 1 when the exporter refuses the signature, without printing the secret", async () => {
    const wrong = "the-wrong-secret-0123456789";
    const r = await send(["heartbeat", "--bot", "b", "--secret", wrong]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/401/);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it("exits 2 on usage errors: bad numbers, missing or unknown options, unknown kinds", async () => {
    const cases: [string[], RegExp][] = [
      [["trade", "--id", "1", "--pnl", "abc"], /--pnl must be a number/],
      [["trade", "--id", "1", "--pnl", "1e999"], /--pnl must be a number/],
      [["trade", "--pnl", "1"], /--id is required/],
      [["positions", "--open", "1.5", "--max", "3"], /--open must be an integer/],
      [["kill-switch", "--active", "maybe"], /--active must be true or false/],
      [["api-status", "--status", "fine"], /--status must be one of/],
      [["equity", "--equity", "5", "--pnl", "3"], /not used by "equity": --pnl/],
      [["trade", "--id", "1", "--pnl", "1", "--colour", "red"], /unknown option --colour/],
      [["teleport"], /unknown kind "teleport"/],
      [[], /give a kind/],
      [["events", "--file", "missing.json"], /cannot read missing.json/],
    ];
    for (const [args, message] of cases) {
      const r = await send(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
  });

  it("finds the secret in --secret-file, in HMAC_SECRET, and by default in ./data/hmac_secret", async () => {
    writeFileSync(join(dir, "secret.txt"), `${SECRET}\n`);
    const viaFile = await send(["trade", "--bot", "s", "--id", "f", "--pnl", "1", "--secret-file", "secret.txt"], { env: {} });
    expect(viaFile.code, viaFile.stderr).toBe(0);
    const viaEnv = await send(["trade", "--bot", "s", "--id", "e", "--pnl", "1"], {
      env: { HMAC_SECRET: `${SECRET},older-secret-abcdefghijkl` },
    });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    const cwd = tempDir("te-send-cwd-");
    mkdirSync(join(cwd, "data"));
    writeFileSync(join(cwd, "data", "hmac_secret"), SECRET);
    const viaDefault = await send(["trade", "--bot", "s", "--id", "d", "--pnl", "1"], { env: {}, cwd });
    expect(viaDefault.code, viaDefault.stderr).toBe(0);
    expect((await realtime("s")).trades.total).toBe(3);
    const none = await send(["heartbeat"], { env: {}, cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/cannot read the HMAC secret file data\/hmac_secret/);
  });

  it("works through the real CLI process (trading-exporter send)", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "src/cli.ts"), "send", "trade", "--bot", "cli-bot", "--id", "7", "--pnl", "25.25"],
      { cwd: REPO_ROOT, env: { ...process.env, TRADING_EXPORTER_CONFIG: "", HMAC_SECRET: SECRET, TRADING_EXPORTER_URL: url } },
    );
    expect(JSON.parse(stdout)).toEqual({ accepted: 1, duplicates: 0 });
    expect((await realtime("cli-bot")).total_pnl).toBe(25.25);
  });
});
