// How much memory V8 holds beyond what is live, for `serve` (docs/scaling.md, "Memory on a small
// machine"). Left to itself, V8 lets the old generation grow to up to four times what survived the
// last full collection and the young generation to 32 MiB, both sized by the allocation rate: right
// after 10⁶ batched events the exporter held 205–240 MiB, of which about 25 MiB were live. An
// exporter runs beside the bots it watches and should stay small, so it asks for an old generation
// of 1.5 times what survived, and lets the young generation grow to 8 MiB only.
//
// The young generation's size limit (`--max-semi-space-size`) is read once, when V8 sets up its
// heap, so it cannot be set from here; its growth factor is read at each collection. So the cap is
// kept by switching growth off once the young generation has reached it, and back on if V8 ever
// shrinks it (it does when the process allocates little for a while), checked after each
// collection. A young generation kept at its first 1 MiB instead cost 10–15% of the batch
// throughput and 2–3 ms of scrape latency under load (BENCHMARKS.md, `bench/headroom.ts`).
import { PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";
import { flagName, givenFlagNames } from "./node-flags.js";

const OLD_GENERATION_FLAG = "--heap-growing-percent=50";
/** The young generation's cap (`new_space`, both of its semi-spaces). */
const YOUNG_GENERATION_CAP_BYTES = 8 * 2 ** 20;
/**
 * What the bench processes pass on node's command line, to hold memory as `serve` does from their
 * first allocation on: there the cap can be V8's own limit on one semi-space.
 */
export const HEADROOM_FLAGS: readonly string[] = [OLD_GENERATION_FLAG, `--max-semi-space-size=${YOUNG_GENERATION_CAP_BYTES / 2 / 2 ** 20}`];

/**
 * Limits V8's headroom as above, leaving alone what node's command line (`execArgv`) or
 * `NODE_OPTIONS` sets itself, so an operator who wants V8's defaults back passes them there.
 * Returns what it did.
 */
export function limitHeapHeadroom(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
): string[] {
  const given = givenFlagNames(execArgv, nodeOptions);
  const applied: string[] = [];
  if (!given.has(flagName(OLD_GENERATION_FLAG))) {
    v8.setFlagsFromString(OLD_GENERATION_FLAG);
    applied.push(OLD_GENERATION_FLAG);
  }
  if (!given.has("--semi-space-growth-factor") && !given.has("--max-semi-space-size")) {
    capYoungGeneration();
    applied.push("young generation cap");
  }
  return applied;
}

function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
}

function capYoungGeneration(): void {
  let growing = true;
  const check = () => {
    const grow = youngGenerationBytes() < YOUNG_GENERATION_CAP_BYTES;
    if (grow === growing) return;
    v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
    growing = grow;
  };
  // Observing collections does not keep the process alive.
  new PerformanceObserver(check).observe({ entryTypes: ["gc"] });
}
