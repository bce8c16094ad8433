// The inlining budget `serve` sets (src/jit-inlining.ts), seen in V8's own trace of its inlining
// decisions: a function calling five others of ~440 bytes of bytecode each, more together than
// V8's default budget of 920 bytes.
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/process.js";

const step = (k: number) =>
  `function step${k}(a, b) {\n${Array.from({ length: 10 }, (_, i) => `  a = (a * ${i + k} + b) % 1000003; b = (b + a * ${i}) % 999983;`).join("\n")}\n  return a + b;\n}`;

const CHILD = `
const { widenInliningBudget } = await import(${JSON.stringify(join(REPO_ROOT, "src/jit-inlining.ts"))});
const widened = process.env.WIDEN === "1" ? widenInliningBudget() : false;
${[1, 2, 3, 4, 5].map(step).join("\n")}
function caller(x) { return step5(step4(step3(step2(step1(x, 1), 2), 3), 4), 5); }
// Feedback from a few calls, then one optimization of caller, made now (not when V8 decides).
%PrepareFunctionForOptimization(caller);
let total = 0;
for (let i = 0; i < 100; i++) total += caller(i);
%OptimizeFunctionOnNextCall(caller);
total += caller(100);
process.stdout.write("\\nRESULT " + JSON.stringify({ widened, total }) + "\\n");
`;

/**
 * Whether the child widened the budget, and how many of the five callees V8 inlined into caller.
 * V8 prints its trace through C's stdio, which a pipe may lose the end of when the process exits:
 * the child writes into a file.
 */
async function child(widen: boolean, nodeFlags: string[] = []): Promise<{ widened: boolean; inlined: number }> {
  const dir = mkdtempSync(join(tmpdir(), "te-inlining-"));
  try {
    const out = openSync(join(dir, "trace"), "w");
    const exit = await new Promise<number | null>((resolve, reject) => {
      const p = spawn(
        process.execPath,
        ["--import", "tsx", "--allow-natives-syntax", "--trace-turbo-inlining", ...nodeFlags, "--input-type=module", "-e", CHILD],
        { cwd: REPO_ROOT, env: { ...process.env, WIDEN: widen ? "1" : "0" }, stdio: ["ignore", out, "inherit"] },
      );
      p.on("error", reject);
      p.on("exit", resolve);
    });
    closeSync(out);
    expect(exit).toBe(0);
    const lines = readFileSync(join(dir, "trace"), "utf8").split("\n");
    const inlined = new Set(
      lines.map((l) => /^Inlining .*<SharedFunctionInfo (step\d)>\} into .*<SharedFunctionInfo caller>/.exec(l)?.[1]).filter(Boolean),
    );
    const result = JSON.parse(lines.find((l) => l.startsWith("RESULT "))!.slice("RESULT ".length)) as { widened: boolean; total: number };
    expect(result.total).toBeGreaterThan(0);
    return { widened: result.widened, inlined: inlined.size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("widenInliningBudget", () => {
  it("lets V8 inline all five callees where its default budget stops at two at most", async () => {
    const [alone, widened] = await Promise.all([child(false), child(true)]);
    expect(alone.inlined).toBeLessThanOrEqual(2);
    expect(widened).toEqual({ widened: true, inlined: 5 });
  });

  it("leaves a budget given on node's command line alone", async () => {
    expect(await child(true, ["--max-inlined-bytecode-size-cumulative=920"])).toMatchObject({ widened: false });
    const given = await child(true, ["--max_inlined_bytecode_size_cumulative=920"]);
    expect(given.widened).toBe(false);
    expect(given.inlined).toBeLessThanOrEqual(2);
  });
});
