// The V8 settings `serve` makes (src/memory-headroom.ts), seen from a process that allocates the
// way a loaded exporter does: objects that survive a few collections, then die.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/process.js";

const run = promisify(execFile);

const CHILD = `
const { limitHeapHeadroom } = await import(${JSON.stringify(join(REPO_ROOT, "src/memory-headroom.ts"))});
const applied = process.env.LIMIT === "1" ? limitHeapHeadroom() : [];
const v8 = await import("node:v8");
// 100,000 small arrays alive at a time, each replaced after 100,000 more: most of what the young
// generation holds at each scavenge survives it, which is what makes V8 grow it.
const ring = new Array(100_000);
for (let i = 0; i < 3_000_000; i++) ring[i % 100_000] = new Array(16).fill(i);
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size;
process.stdout.write(JSON.stringify({ applied, youngMiB: young / 1048576 }));
`;

async function child(limit: boolean, nodeFlags: string[] = []): Promise<{ applied: string[]; youngMiB: number }> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", ...nodeFlags, "--input-type=module", "-e", CHILD], {
    cwd: REPO_ROOT,
    env: { ...process.env, LIMIT: limit ? "1" : "0" },
  });
  return JSON.parse(stdout) as { applied: string[]; youngMiB: number };
}

describe("limitHeapHeadroom", () => {
  it("keeps the young generation at its first few MiB where V8 alone grows it to 32", async () => {
    const [alone, limited] = await Promise.all([child(false), child(true)]);
    expect(alone.youngMiB).toBeGreaterThanOrEqual(16);
    expect(limited.applied).toEqual(["--heap-growing-percent=50", "--semi-space-growth-factor=1"]);
    expect(limited.youngMiB).toBeLessThanOrEqual(4);
  });

  it("leaves a flag node's command line sets to what it says", async () => {
    const r = await child(true, ["--semi-space-growth-factor=2"]);
    expect(r.applied).toEqual(["--heap-growing-percent=50"]);
    expect(r.youngMiB).toBeGreaterThanOrEqual(16);
  });
});
