// What every benchmark shares: flags, percentiles and the one JSON line it prints on stdout
// (progress goes to stderr, so `bench/run.ts` and the smoke test can parse stdout).
import { cpus, totalmem } from "node:os";

export interface BenchFlags {
  /** Tiny sizes for the CI smoke run: checks that the bench works, measures nothing. */
  smoke: boolean;
  /** The long variants (10-minute sustained run, 10M stored events). */
  full: boolean;
  /** Positional arguments after the flags. */
  args: string[];
}

export function benchFlags(argv = process.argv.slice(2)): BenchFlags {
  return {
    smoke: argv.includes("--smoke"),
    full: argv.includes("--full"),
    args: argv.filter((a) => !a.startsWith("--")),
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latencySummary(samples: number[]): { count: number; p50_ms: number; p99_ms: number; max_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1) ?? NaN),
  };
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function machine(): { node: string; cpus: number; cpu: string; memory_gib: number; date: string } {
  return {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memory_gib: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString(),
  };
}

export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Prints the bench's single JSON result line. */
export function emit(bench: string, result: object): void {
  process.stdout.write(`${JSON.stringify({ bench, ...result })}\n`);
}
