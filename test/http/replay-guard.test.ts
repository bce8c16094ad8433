// §16's replay guard on its own: each signature is accepted once within twice the clock skew, the
// memory it holds follows the request rate, and no clock step lets a replay through.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ReplayGuard } from "../../src/http/replay-guard.js";

/** A signature of the form the guard is given (checked by the HMAC middleware before it). */
const sig = (name: string): string => "sha256=" + createHash("sha256").update(name).digest("hex");

const WINDOW = 300_000;

describe("ReplayGuard", () => {
  it("accepts a signature once and again only after twice the window", () => {
    const guard = new ReplayGuard(WINDOW);
    const t0 = 1_000_000;
    expect(guard.firstUse(sig("a"), t0)).toBe(true);
    expect(guard.firstUse(sig("b"), t0 + 1000)).toBe(true);
    expect(guard.firstUse(sig("a"), t0 + 2 * WINDOW - 1)).toBe(false);
    expect(guard.used(sig("a"), t0 + 2 * WINDOW - 1)).toBe(true);
    // At t0 + 2·window "a" has expired; "b" (1 s younger) has not.
    expect(guard.used(sig("a"), t0 + 2 * WINDOW)).toBe(false);
    expect(guard.used(sig("b"), t0 + 2 * WINDOW)).toBe(true);
    expect(guard.firstUse(sig("a"), t0 + 2 * WINDOW)).toBe(true);
    expect(guard.firstUse(sig("a"), t0 + 2 * WINDOW + 1)).toBe(false);
  });

  it("holds the signatures of the last two windows, and at most a quarter more, under a steady stream", () => {
    const guard = new ReplayGuard(1000);
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      expect(guard.firstUse(sig(`s${i}`), i)).toBe(true);
      most = Math.max(most, guard.size);
    }
    // One per ms, each remembered for 2,000 ms: the last 2,000 must be held, and whole tables of a
    // quarter of that time are dropped once their last entry expired.
    expect(guard.size).toBeGreaterThanOrEqual(2000);
    expect(most).toBeLessThanOrEqual(2500);
    for (let i = 18_000; i < 20_000; i++) expect(guard.used(sig(`s${i}`), 19_999)).toBe(true);
    expect(guard.used(sig("s17999"), 19_999)).toBe(false);
  });

  it("keeps every signature and its expiry while its table grows", () => {
    const guard = new ReplayGuard(WINDOW);
    const t0 = 5_000_000;
    const names = Array.from({ length: 50_000 }, (_, i) => sig(`g${i}`));
    names.forEach((s, i) => expect(guard.firstUse(s, t0 + (i % 7))).toBe(true));
    expect(guard.size).toBe(names.length);
    expect(names.every((s) => !guard.firstUse(s, t0 + 10))).toBe(true);
    // Each expires exactly 2·window after it was taken.
    expect(names.filter((s, i) => guard.used(s, t0 + 2 * WINDOW + (i % 7) - 1)).length).toBe(names.length);
    expect(names.filter((s, i) => guard.used(s, t0 + 2 * WINDOW + (i % 7))).length).toBe(0);
  });

  it("takes a forgotten signature again and keeps refusing the others", () => {
    const guard = new ReplayGuard(WINDOW);
    expect(guard.firstUse(sig("refused"), 1000)).toBe(true);
    expect(guard.firstUse(sig("kept"), 1000)).toBe(true);
    guard.forget(sig("refused"));
    expect(guard.used(sig("refused"), 1001)).toBe(false);
    expect(guard.firstUse(sig("refused"), 1001)).toBe(true);
    expect(guard.firstUse(sig("refused"), 1002)).toBe(false);
    expect(guard.firstUse(sig("kept"), 1002)).toBe(false);
  });

  it("never lets a replay through when the clock steps back", () => {
    const guard = new ReplayGuard(1000);
    expect(guard.firstUse(sig("x"), 10_000)).toBe(true);
    expect(guard.firstUse(sig("y"), 5_000)).toBe(true);
    expect(guard.firstUse(sig("y"), 6_000)).toBe(false);
    expect(guard.firstUse(sig("x"), 11_000)).toBe(false);
    // Stepping forward again past "y"'s expiry but not "x"'s.
    expect(guard.firstUse(sig("y"), 11_500)).toBe(true);
    expect(guard.firstUse(sig("x"), 11_999)).toBe(false);
  });
});
