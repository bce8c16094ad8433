// §5 accuracy, full size: 10^7 updates of a rolling window (adversarial regimes: mean ≫ sd,
// huge/tiny magnitudes, mixed signs), checked at checkpoints against an exact BigInt recomputation
// over the same window. Prints the worst relative error as one JSON line.
// Run: npx tsx bench/engine-accuracy.ts [updates] [window] [--smoke]
import { sharpeRatio, sortinoRatio } from "../src/domain/risk-ratios.js";
import { RollingReturns } from "../src/domain/rolling-window.js";
import { adversarialReturns, exactSharpe, exactSortino, seededRandom } from "../test/support/exact-stats.js";
import { benchFlags, emit, progress } from "./support/result.js";

const { smoke, args } = benchFlags();
const updates = Number(args[0] ?? (smoke ? 200_000 : 10_000_000));
const capacity = Number(args[1] ?? 500);
const checkpointEvery = 99_991;
/**
 * Regimes switch every 50,000 updates. Besides the periodic checkpoints, check where trouble would
 * show: windows straddling two regimes, and windows wholly inside the new regime while the
 * running sums may still carry residue of the old one (before and after the fresh-sum swap).
 */
const offsetsAfterSwitch = new Set([
  Math.floor(capacity / 2),
  capacity + 1,
  Math.floor((3 * capacity) / 2),
  2 * capacity - 1,
  2 * capacity + 3,
]);
const isCheckpoint = (done: number) => done % checkpointEvery === 0 || done === updates || offsetsAfterSwitch.has(done % 50_000);

function relativeError(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

const window = new RollingReturns(capacity);
const mirror = new Float64Array(capacity);
const next = adversarialReturns(seededRandom(20260101));
const worst = { sharpe: 0, sortino: 0, at: 0 };
let checks = 0;
const started = performance.now();
for (let i = 0; i < updates; i++) {
  const r = next(i);
  window.push(r, r > 0);
  mirror[i % capacity] = r;
  if (isCheckpoint(i + 1)) {
    const n = Math.min(i + 1, capacity);
    const values = Array.from({ length: n }, (_, k) => mirror[(i + 1 - n + k) % capacity]!);
    const stats = window.stats();
    const es = relativeError(sharpeRatio(stats, 365), exactSharpe(values, 365));
    const eo = relativeError(sortinoRatio(stats, 365), exactSortino(values, 365));
    if (Math.max(es, eo) > Math.max(worst.sharpe, worst.sortino)) worst.at = i + 1;
    worst.sharpe = Math.max(worst.sharpe, es);
    worst.sortino = Math.max(worst.sortino, eo);
    checks++;
  }
}
const seconds = (performance.now() - started) / 1000;
const ok = Math.max(worst.sharpe, worst.sortino) < 1e-9;
progress(`rolling window ${capacity}, ${updates.toExponential(0)} updates, ${checks} exact checkpoints in ${seconds.toFixed(1)} s`);
progress(
  `worst relative error: Sharpe ${worst.sharpe.toExponential(2)}, Sortino ${worst.sortino.toExponential(2)} (at update ${worst.at})`,
);
emit("engine-accuracy", {
  window: capacity,
  updates,
  checkpoints: checks,
  seconds: Math.round(seconds * 10) / 10,
  worst_relative_error: { sharpe: worst.sharpe, sortino: worst.sortino, at_update: worst.at },
  below_1e9: ok,
});
process.exitCode = ok ? 0 : 1;
