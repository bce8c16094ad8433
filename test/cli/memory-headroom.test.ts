// The V8 settings `serve` makes (src/memory-headroom.ts), seen from a process that allocates the
// way a loaded exporter does: in turns of the event loop, objects that survive a few collections,
// then die.
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
const youngMiB = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 1048576;
// 100,000 small arrays alive at a time, each replaced after 100,000 more: most of what the young
// generation holds at each scavenge survives it, which is what makes V8 grow it.
const ring = new Array(100_000);
async function load() {
  for (let turn = 0; turn < 300; turn++) {
    for (let i = 0; i < 10_000; i++) ring[(turn * 10_000 + i) % 100_000] = new Array(16).fill(i);
    await new Promise((r) => setImmediate(r));
  }
  return youngMiB();
}
const loaded = await load();
let idle = loaded;
let reloaded = loaded;
if (process.env.IDLE === "1") {
  // Some 8 s after the process falls idle, V8's memory reducer shrinks the young generation; the
  // next load must grow it back to the cap.
  ring.fill(undefined);
  for (let i = 0; i < 200 && idle >= loaded; i++) {
    await new Promise((r) => setTimeout(r, 100));
    idle = youngMiB();
  }
  reloaded = await load();
}
process.stdout.write(JSON.stringify({ applied, loaded, idle, reloaded }));
`;

interface Child {
  applied: string[];
  loaded: number;
  idle: number;
  reloaded: number;
}

async function child(opts: { limit: boolean; idle?: boolean; nodeFlags?: string[]; nodeOptions?: string }): Promise<Child> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", ...(opts.nodeFlags ?? []), "--input-type=module", "-e", CHILD], {
    cwd: REPO_ROOT,
    env: { ...process.env, LIMIT: opts.limit ? "1" : "0", IDLE: opts.idle ? "1" : "0", NODE_OPTIONS: opts.nodeOptions ?? "" },
  });
  return JSON.parse(stdout) as Child;
}

describe("limitHeapHeadroom", () => {
  it("caps the young generation at 8 MiB where V8 alone grows it to 32", { retry: 2 }, async () => {
    const [alone, limited] = await Promise.all([child({ limit: false }), child({ limit: true })]);
    expect(alone.loaded).toBeGreaterThanOrEqual(16);
    expect(limited.applied).toEqual(["--heap-growing-percent=50", "young generation cap"]);
    expect(limited.loaded).toBe(8);
  });

  // Retried: the cap is switched after a collection, from a GC observer's callback; when two
  // scavenges in one turn of the event loop both grow the young generation (seen once in CI, under
  // the suite's load), it overshoots to 16 MiB. A known limit of keeping the cap at run time.
  it("grows the young generation back to its cap after V8 shrank it while idle", { timeout: 60_000, retry: 2 }, async () => {
    const r = await child({ limit: true, idle: true });
    expect(r.loaded).toBe(8);
    expect(r.idle).toBeLessThan(8);
    expect(r.reloaded).toBe(8);
  });

  it("leaves what node's command line sets to what it says", async () => {
    const r = await child({ limit: true, nodeFlags: ["--semi-space-growth-factor=2"] });
    expect(r.applied).toEqual(["--heap-growing-percent=50"]);
    expect(r.loaded).toBeGreaterThanOrEqual(16);
  });

  it("leaves the young generation's size to NODE_OPTIONS when it sets one", async () => {
    const r = await child({ limit: true, nodeOptions: "--max-semi-space-size=16" });
    expect(r.applied).toEqual(["--heap-growing-percent=50"]);
    expect(r.loaded).toBeGreaterThanOrEqual(16);
  });
});
