// Spaces sends at least `minIntervalMs` apart (Telegram: one message per second per chat). Sends
// through one gate are serialized, so concurrent callers (the dispatcher's queue and a test
// message from the API) cannot both go out inside one interval.
import type { Clock } from "../domain/clock.js";
import { DeliveryError } from "./delivery-error.js";

/** Sleep that ends early (rejecting) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new DeliveryError("aborted"));
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DeliveryError("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export class RateGate {
  private tail: Promise<void> = Promise.resolve();
  private lastDoneAt = -Infinity;

  constructor(
    private readonly minIntervalMs: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /**
   * Run `send` once the previous send has finished and `minIntervalMs` has passed since. Spacing
   * from the previous *completion* (not its start) guarantees the receiver sees the interval
   * between arrivals, whatever the network latency.
   */
  async run<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.tail;
    let release: () => void = () => {};
    this.tail = new Promise<void>((resolve) => (release = resolve));
    let sent = false;
    try {
      await untilSettledOrAborted(previous, signal);
      const wait = this.lastDoneAt + this.minIntervalMs - this.clock.now();
      if (wait > 0) await this.sleep(wait, signal);
      sent = true;
      return await send();
    } finally {
      if (sent) this.lastDoneAt = this.clock.now();
      // Our successor may only start after the previous caller too has finished.
      void previous.then(release);
    }
  }
}

function untilSettledOrAborted(p: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return p;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new DeliveryError("aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    void p.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
