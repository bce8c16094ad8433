// Exact reference statistics for the accuracy checks: every double is an integer times a power of
// two, so sums and sums of squares over a window are computed exactly with BigInt, and only the
// final mean / variance are rounded (once, to nearest). Slow; used at checkpoints only.
import { DAILY_RETURN_RESOLUTION } from "../../src/domain/daily-returns.js";

interface Dyadic {
  mant: bigint;
  exp: number;
}

const view = new DataView(new ArrayBuffer(8));

function dyadic(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError("finite values only");
  if (x === 0) return { mant: 0n, exp: 0 };
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return biased === 0 ? { mant: sign * frac, exp: -1074 } : { mant: sign * (frac | (1n << 52n)), exp: biased - 1075 };
}

function bitLength(x: bigint): number {
  return (x < 0n ? -x : x).toString(2).length;
}

/** The double nearest to (p / q) · 2^scale, for q > 0. */
function ratioToNumber(p: bigint, q: bigint, scale: number): number {
  if (p === 0n) return 0;
  const shift = Math.max(0, 80 - (bitLength(p) - bitLength(q)));
  const quotient = (p << BigInt(shift)) / q; // ≥ 80 significant bits: rounding it once is exact enough
  let v = Number(quotient);
  let e = scale - shift;
  // Apply 2^e in steps that cannot overflow or underflow on the way.
  while (e > 0) {
    const step = Math.min(e, 1000);
    v *= 2 ** step;
    e -= step;
  }
  while (e < 0) {
    const step = Math.min(-e, 1000);
    v /= 2 ** step;
    e += step;
  }
  return v;
}

export interface ExactStats {
  n: number;
  mean: number;
  variance: number;
  downsideMeanSquare: number;
  negatives: number;
  allIdentical: boolean;
}

export function exactStats(values: readonly number[]): ExactStats {
  const ds = values.map(dyadic);
  const minExp = Math.min(...ds.map((d) => d.exp));
  let sum = 0n;
  let squares = 0n;
  let downside = 0n;
  let negatives = 0;
  for (const d of ds) {
    const m = d.mant << BigInt(d.exp - minExp); // value = m · 2^minExp
    sum += m;
    squares += m * m; // value² = m² · 2^(2·minExp)
    if (m < 0n) {
      downside += m * m;
      negatives++;
    }
  }
  const n = BigInt(values.length);
  return {
    n: values.length,
    mean: ratioToNumber(sum, n, minExp),
    // (n·Σx² − (Σx)²) / (n·(n−1)), all in units of 2^(2·minExp)
    variance: values.length < 2 ? NaN : ratioToNumber(n * squares - sum * sum, n * (n - 1n), 2 * minExp),
    downsideMeanSquare: ratioToNumber(downside, n, 2 * minExp),
    negatives,
    allIdentical: values.every((v) => v === values[0]),
  };
}

export function exactSharpe(values: readonly number[], annualization: number): number {
  const s = exactStats(values);
  if (s.n < 2 || s.allIdentical) return NaN;
  return (s.mean / Math.sqrt(s.variance)) * Math.sqrt(annualization);
}

export function exactSortino(values: readonly number[], annualization: number): number {
  const s = exactStats(values);
  if (s.n < 2) return NaN;
  if (s.negatives === 0) return s.mean > 0 ? Infinity : NaN;
  return (s.mean / Math.sqrt(s.downsideMeanSquare)) * Math.sqrt(annualization);
}

/** Seeded PRNG (mulberry32) so accuracy runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A stream of returns that is hard on running sums: regimes of 50,000 values switching between
 * mean ≫ sd (1e6 ± 1e-3, 1 + 1e-9·u), huge and tiny magnitudes, and mixed signs around 0.
 */
export function adversarialReturns(random: () => number): (i: number) => number {
  const u = () => 2 * random() - 1;
  const regimes: (() => number)[] = [
    () => 1e6 + 1e-3 * u(),
    () => 0.01 * u(),
    () => 1 + 1e-9 * u(),
    () => (random() < 0.5 ? 1e8 : -1e-8) * random(),
    () => 1e-7 * u() + 3e-7,
    () => (random() < 0.01 ? -0.9 : 0.002 + 1e-6 * u()),
  ];
  return (i) => regimes[Math.floor(i / 50_000) % regimes.length]!();
}

/**
 * A day's time-weighted return, Π_k (E_end_k / E_start_k) − 1 given as factor · end / start − 1,
 * with a magnitude below the engine's resolution (rounding of equity sums, docs/metrics.md) as 0.
 */
export function dailyReturnOf(factor: number, end: number, start: number): number {
  const r = factor * (end / start) - 1;
  return Math.abs(r) < DAILY_RETURN_RESOLUTION ? 0 : r;
}
