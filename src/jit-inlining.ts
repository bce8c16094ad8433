// How much V8's optimizing compiler may inline into one function, for `serve` (docs/scaling.md,
// "The engine's hot path"). V8 stops inlining into a function once 920 bytes of bytecode have been
// inlined into it. The engine's path for one trade (Engine.apply, BotPerformance, the rolling
// window's double-double sums) is larger than that, so with V8's default it runs as five or six
// separately optimized functions, with a call between them and every double argument of such a
// call put in a heap object: callgrind counts 1,304 instructions per event of bench/engine.ts with
// the default and 1,134 with a budget of 3,000 (BENCHMARKS.md); 4,000 inlines no more of that path
// and held 4 MiB more RSS after a load. What it costs is larger optimized code, compiled on the
// compiler's thread once code is hot: a start after kill -9 with 10⁶ stored events took 525 against
// 508 ms at 4,000 (ten alternating starts, docs/scaling.md).
import v8 from "node:v8";
import { givenFlagNames } from "./node-flags.js";

const BUDGET_FLAG = "--max-inlined-bytecode-size-cumulative";
/** What `serve` sets, and what the bench processes pass on node's command line. */
export const INLINING_BUDGET_FLAG = `${BUDGET_FLAG}=3000`;
/** V8's own budget, for the benches that measure against it. */
export const V8_DEFAULT_INLINING_BUDGET_FLAG = `${BUDGET_FLAG}=920`;

/**
 * Widens the budget before any hot code is optimized, unless node's command line sets it (node
 * refuses the flag in NODE_OPTIONS). Returns whether it did.
 */
export function widenInliningBudget(execArgv: readonly string[] = process.execArgv): boolean {
  if (givenFlagNames(execArgv, "").has(BUDGET_FLAG)) return false;
  v8.setFlagsFromString(INLINING_BUDGET_FLAG);
  return true;
}
