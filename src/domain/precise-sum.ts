// Double-double ("compensated") arithmetic for the rolling sums of §5.
//
// A rolling window adds one value and removes another on every update. With plain doubles each
// add/remove leaves a rounding residue that never goes away, so after 10^7 updates Σr and Σr² drift
// far enough to break the "< 1e-9 relative to an exact recomputation" promise (and Σr² − (Σr)²/n
// cancels catastrophically when mean ≫ sd). Keeping each sum as an unevaluated pair hi + lo
// (≈ 106-bit significand) pushes the residue ~2^-53 times lower, which is ample for 10^7+ updates.
// Building blocks: Knuth's TwoSum and Dekker's TwoProduct with Veltkamp splitting (no FMA in JS).

/** A double-double number: the exact value is hi + lo, with |lo| ≤ ulp(hi)/2. */
export interface DoubleDouble {
  hi: number;
  lo: number;
}

// The rolling window calls the error terms below several times per event. They return a number,
// not a pair, so the hot path makes no object even where the JIT does not inline a caller.

/** The rounding error of s = a + b (Knuth's TwoSum): s + sumError(a, b, s) == a + b exactly. */
export function sumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** The rounding error of p = a · b (Dekker's TwoProduct): p + productError(a, b, p) == a · b exactly (barring overflow). */
export function productError(a: number, b: number, p: number): number {
  // 134217729 = 2^27 + 1, Veltkamp's split constant for 53-bit doubles. A literal, not a module
  // constant: optimized code reads a module's constant from its context, with a check, at each use.
  let t = 134217729 * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = 134217729 * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  return aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

/** Knuth's TwoSum: s + e == a + b exactly. */
export function twoSum(a: number, b: number): DoubleDouble {
  const s = a + b;
  return { hi: s, lo: sumError(a, b, s) };
}

/** Dekker's TwoProduct: p + e == a · b exactly (barring overflow). */
export function twoProduct(a: number, b: number): DoubleDouble {
  const p = a * b;
  return { hi: p, lo: productError(a, b, p) };
}

/** Sum of two double-doubles (the "accurate" variant: two TwoSums, then renormalise). */
export function ddAdd(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  let lo = s.lo + t.hi;
  let hi = s.hi + lo;
  lo = lo - (hi - s.hi);
  lo += t.lo;
  const r = hi + lo;
  lo = lo - (r - hi);
  hi = r;
  return { hi, lo };
}

export function ddNeg(a: DoubleDouble): DoubleDouble {
  return { hi: -a.hi, lo: -a.lo };
}

export function ddMul(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const p = twoProduct(a.hi, b.hi);
  const lo = p.lo + (a.hi * b.lo + a.lo * b.hi);
  const hi = p.hi + lo;
  return { hi, lo: lo - (hi - p.hi) };
}

/** a / b for a double-double a and a double b (one Newton correction step). */
export function ddDivNumber(a: DoubleDouble, b: number): DoubleDouble {
  const q1 = a.hi / b;
  const p = twoProduct(q1, b);
  const r = ddAdd(a, ddNeg(p));
  const q2 = (r.hi + r.lo) / b;
  const hi = q1 + q2;
  return { hi, lo: q2 - (hi - q1) };
}

/**
 * A running sum kept in double-double. `add` of doubles and of exact products is error-free up to
 * the ~2^-106 relative residue of the pair; `value()` rounds once, at the end.
 */
export class PreciseSum {
  hi = 0;
  lo = 0;

  add(x: number): void {
    this.addPair(x, 0);
  }

  /** Adds x·y computed exactly (TwoProduct), e.g. r² for a sum of squares. */
  addProduct(x: number, y: number): void {
    const p = x * y;
    this.addPair(p, productError(x, y, p));
  }

  value(): number {
    return this.hi + this.lo;
  }

  asDoubleDouble(): DoubleDouble {
    return { hi: this.hi, lo: this.lo };
  }

  reset(): void {
    this.hi = 0;
    this.lo = 0;
  }

  /** Adds the double-double bHi + bLo (ddAdd inlined: this runs several times per event, so no allocation). */
  addPair(bHi: number, bLo: number): void {
    const aHi = this.hi;
    const sHi = aHi + bHi;
    let bb = sHi - aHi;
    const sLo = aHi - (sHi - bb) + (bHi - bb);
    const aLo = this.lo;
    const tHi = aLo + bLo;
    bb = tHi - aLo;
    const tLo = aLo - (tHi - bb) + (bLo - bb);
    let lo = sLo + tHi;
    const hi = sHi + lo;
    lo = lo - (hi - sHi) + tLo;
    const r = hi + lo;
    this.lo = lo - (r - hi);
    this.hi = r;
  }
}

/** Σ(x − mean)² from the sum and the sum of squares of n values: Σx² − (Σx)²/n, in double-double. */
export function centredSquares(sum: DoubleDouble, sumOfSquares: DoubleDouble, n: number): DoubleDouble {
  return ddAdd(sumOfSquares, ddNeg(ddDivNumber(ddMul(sum, sum), n)));
}

/**
 * Sample variance (ddof = 1) from the sum and the sum of squares of n values, evaluated in
 * double-double so that Σx² − (Σx)²/n does not cancel away the result when mean ≫ sd.
 */
export function varianceFromSums(sum: DoubleDouble, sumOfSquares: DoubleDouble, n: number): number {
  const v = ddDivNumber(centredSquares(sum, sumOfSquares, n), n - 1);
  return v.hi + v.lo;
}
