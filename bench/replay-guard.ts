// The replay guard's memory and time per signed request at a steady rate: each accepted signature
// is remembered for twice the clock skew (600 s by default), so what it holds grows with the rate.
// Beside it, the baseline in the same run: a Map from each signature string to its expiry, expired
// from the front (what the guard was before). Simulated time, no HTTP: one `firstUse` per request
// of a fresh random signature. Each first fills one lifetime, then runs on while signatures expire
// as fast as they come: the guard for another lifetime, the baseline for 10 s of simulated time
// only, since it slows down as it holds more (V8 leaves a deleted Map entry as a hole until the
// table is rebuilt, and every iteration from the front walks over the holes).
// Run: npx tsx bench/replay-guard.ts [requests_per_second] [--smoke]
import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ReplayGuard } from "../src/http/replay-guard.js";
import { benchFlags, emit, progress } from "./support/result.js";

const { smoke, args } = benchFlags();
const rate = Number(args[0] ?? (smoke ? 100 : 6_600));
const SKEW_MS = 300_000;
const LIFETIME_MS = 2 * SKEW_MS;
const fillRequests = Math.round((rate * LIFETIME_MS) / 1000);
const BASELINE_EXPIRING_MS = smoke ? LIFETIME_MS : 10_000;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MiB = 2 ** 20;
const heldBytes = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** The guard as it was: signature → expiry, oldest first, expired by popping from the front. */
class MapGuard {
  private readonly seen = new Map<string, number>();
  firstUse(signature: string, now: number): boolean {
    for (const [s, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(s);
    }
    const expires = this.seen.get(signature);
    if (expires !== undefined && expires > now) return false;
    this.seen.set(signature, now + LIFETIME_MS);
    return true;
  }
  get size(): number {
    return this.seen.size;
  }
}

/** Fresh signatures in the header's form, 1,024 at a time from one buffer of random bytes. */
function* signatures(): Generator<string, never> {
  for (;;) {
    const bytes = randomBytes(32 * 1024);
    for (let i = 0; i < 1024; i++) yield "sha256=" + bytes.toString("hex", 32 * i, 32 * i + 32);
  }
}

function measure(name: string, guard: { firstUse(s: string, now: number): boolean; readonly size: number }, expiringMs: number) {
  const before = heldBytes();
  const next = signatures();
  const t0 = 1_000_000;
  const requests = fillRequests + Math.round((rate * expiringMs) / 1000);
  let refused = 0;
  let mostHeld = 0;
  let started = 0;
  for (let i = 0; i < requests; i++) {
    if (i === fillRequests) started = performance.now();
    if (!guard.firstUse(next.next().value, t0 + (i * 1000) / rate)) refused++;
    if (i % 1000 === 0) mostHeld = Math.max(mostHeld, guard.size);
  }
  const ms = performance.now() - started;
  const bytes = heldBytes() - before;
  const result = {
    requests,
    held: guard.size,
    most_held: mostHeld,
    mib: Math.round((bytes / MiB) * 10) / 10,
    bytes_per_held: Math.round((bytes / guard.size) * 10) / 10,
    // While signatures expire; includes making the random signature (the same for both).
    ns_per_request: Math.round((ms * 1e6) / (requests - fillRequests)),
    refused,
  };
  progress(
    `${name}: ${result.held} held (at most ${mostHeld}), ${result.mib} MiB (${result.bytes_per_held} bytes each), ` +
      `${result.ns_per_request} ns per request while expiring`,
  );
  return result;
}

const baseline = measure("Map baseline", new MapGuard(), BASELINE_EXPIRING_MS);
const guard = measure("replay guard", new ReplayGuard(SKEW_MS), LIFETIME_MS);
emit("replay-guard", { requests_per_second: rate, lifetime_s: LIFETIME_MS / 1000, guard, baseline });
