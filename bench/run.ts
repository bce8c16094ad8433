// `npm run bench`: every benchmark, one after another, each in its own process (so one's heap and
// JIT state don't colour the next), each printing one JSON line. Writes them all, with the machine
// and Node version, to bench/results/<date>.json and bench/results/latest.json.
// `npm run bench -- --full` adds the long variants (10-minute sustained run, 10M stored events) and
// the benches of FULL_BENCHES;
// `--smoke` runs tiny sizes (what the test suite does).
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { INLINING_BUDGET_FLAG } from "../src/jit-inlining.js";
import { HEADROOM_FLAGS } from "../src/memory-headroom.js";
import { machine } from "./support/result.js";
import { ensureBuilt } from "./support/serve-process.js";

export const BENCHES = [
  "engine.ts",
  "engine-accuracy.ts",
  "snapshot.ts",
  "ingest.ts",
  "sustained.ts",
  "replay-guard.ts",
  "scrape.ts",
  "websocket.ts",
  "restart.ts",
  "export-memory.ts",
  "export-loop-lag.ts",
];

/** Only with --full: each takes minutes. */
export const FULL_BENCHES = ["headroom.ts"];

/**
 * Runs one bench in its own process; its progress goes to our stderr, its JSON line is returned.
 * The process starts with the V8 flags `serve` sets itself, so an exporter a bench runs in-process
 * holds its memory as `serve` does from the first allocation on, and its code is optimized as there.
 */
export function runBench(file: string, flags: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...HEADROOM_FLAGS, INLINING_BUDGET_FLAG, "--import", "tsx", fileURLToPath(new URL(file, import.meta.url)), ...flags],
      { maxBuffer: 64 * 1024 * 1024 },
      // ExecFileException is an Error; @types/node spells it as an Omit<> of one, which hides that.
      (err: Error | null, stdout) =>
        err ? reject(err) : resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>),
    );
    child.stderr!.pipe(process.stderr);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flags = process.argv.slice(2).filter((a) => a === "--full" || a === "--smoke");
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  if (!flags.includes("--smoke")) ensureBuilt();
  const started = performance.now();
  const results: Record<string, unknown>[] = [];
  const files = flags.includes("--full") ? [...BENCHES, ...FULL_BENCHES] : BENCHES;
  for (const file of files.filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))) {
    process.stderr.write(`\n## ${file} ${flags.join(" ")}\n`);
    const t0 = performance.now();
    results.push({ ...(await runBench(file, flags)), wall_seconds: Math.round((performance.now() - t0) / 100) / 10 });
  }
  const report = { machine: machine(), flags, total_seconds: Math.round((performance.now() - started) / 1000), results };
  const dir = fileURLToPath(new URL("results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(`${dir}${report.machine.date.replace(/[:.]/g, "-")}.json`, json);
  writeFileSync(`${dir}latest.json`, json);
  process.stderr.write(`\nwrote bench/results/latest.json (${report.total_seconds} s)\n`);
}
