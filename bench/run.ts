// `npm run bench`: every benchmark, one after another (each in its own process so one's heap and
// JIT state don't colour the next). Results go to BENCHMARKS.md by hand, with machine and date.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";

const BENCHES: Array<[string, string[]]> = [
  ["engine-throughput.ts", []],
  ["engine-accuracy.ts", []],
  ["ingest.ts", ["200000"]],
  ["export-memory.ts", []],
];

console.log(`# ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB`);
for (const [file, args] of BENCHES) {
  console.log(`\n## ${file} ${args.join(" ")}`);
  execFileSync(process.execPath, ["--import", "tsx", new URL(file, import.meta.url).pathname, ...args], { stdio: "inherit" });
}
