// §15: the JSONL tail commits its read position with the events it read, and each line's event
// carries an id from the file and the line's offset: killed with SIGKILL at any point of a batch,
// then restarted, the tail applies every line exactly once. Lines without ids that are not
// idempotent by nature (breaker trips, cash flows) make a repeat visible in the figures.
import { spawnSync } from "node:child_process";
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/exporter.js";
import { REPO_ROOT } from "../support/process.js";

const CHILD = join(import.meta.dirname, "jsonl-crash-child.ts");

function run(dataDir: string, file: string, mode: string, n?: number) {
  const r = spawnSync(process.execPath, ["--import", "tsx", CHILD, dataDir, file, mode, ...(n === undefined ? [] : [String(n)])], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return r;
}

/** Four lines per cycle: the breaker trips and closes, a deposit of 10, one winning trade of 1. */
function cycles(from: number, count: number): string {
  let out = "";
  for (let i = from; i < from + count; i++) {
    out += JSON.stringify({ type: "circuit_breaker", open: true, reason: `cycle ${i}` }) + "\n";
    out += JSON.stringify({ type: "circuit_breaker", open: false }) + "\n";
    out += JSON.stringify({ type: "cashflow", amount: 10 }) + "\n";
    out += JSON.stringify({ type: "trade", id: `t${i}`, pnl: 1 }) + "\n";
  }
  return out;
}

describe("JSONL tail under kill -9", () => {
  it("applies each line exactly once whichever point of a batch the kill lands on", { timeout: 180_000 }, async () => {
    const dir = tempDir("jsonl-k9-");
    const dataDir = join(dir, "data");
    const file = join(dir, "events.jsonl");
    try {
      writeFileSync(file, cycles(0, 10));
      const kills: Array<[string, number]> = [
        ["after-commit", 2],
        ["in-transaction", 1],
        ["after-commit", 1],
        ["in-transaction", 3],
      ];
      kills.forEach(([mode, n], round) => {
        const r = run(dataDir, file, mode, n);
        expect(r.signal, `${mode} ${n}: ${r.stderr}`).toBe("SIGKILL");
        appendFileSync(file, cycles(10 + round * 2, 2)); // the bot keeps writing while the tail is down
      });
      const total = 10 + kills.length * 2;
      const done = run(dataDir, file, "finish");
      expect(done.status, done.stderr).toBe(0);
      const figures = JSON.parse(done.stdout.trim().split("\n").at(-1)!);
      expect(figures).toEqual({
        equity: 10_000 + total * 10 + total * 1,
        trades: total,
        trips: total,
        rows: { n: total * 4, ids: total * 4 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
