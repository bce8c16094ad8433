// How much memory V8 holds beyond what is live, for `serve` (docs/scaling.md, "Memory on a small
// machine"). Left to itself, V8 lets the old generation grow to up to four times what survived the
// last full collection and the young generation to 32 MiB, both sized by the allocation rate: right
// after 10⁶ batched events the exporter held 205–240 MiB, of which about 25 MiB were live. An
// exporter runs beside the bots it watches and should stay small, so it asks for a growth of 1.5
// times and keeps the young generation at its first 2 MiB; the ingest benchmarks show no cost
// beyond their noise (BENCHMARKS.md). V8 reads both flags at each collection, so they take effect
// when set at run time, unlike the young generation's size limit.
import v8 from "node:v8";

export const HEADROOM_FLAGS: readonly string[] = ["--heap-growing-percent=50", "--semi-space-growth-factor=1"];

const flagName = (arg: string) => arg.split("=", 1)[0]!.replace(/_/g, "-");

/**
 * Sets each of HEADROOM_FLAGS that node's command line (`execArgv`) does not set itself, so an
 * operator who wants V8's defaults back passes them there. Returns the flags it set.
 */
export function limitHeapHeadroom(execArgv: readonly string[] = process.execArgv): string[] {
  const given = new Set(execArgv.map(flagName));
  const applied = HEADROOM_FLAGS.filter((flag) => !given.has(flagName(flag)));
  for (const flag of applied) v8.setFlagsFromString(flag);
  return applied;
}
