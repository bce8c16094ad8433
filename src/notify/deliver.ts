// Delivering one rendered message on one channel: attempts with their own timeout, exponential
// backoff between them, the receiver's Retry-After instead of the backoff when it gave one, and a
// Delivery record at the end. Shared by the dispatcher's queues and the API's test message.
import type { Clock } from "../domain/clock.js";
import type { Channel, Delivery, NotifyLogger, RenderedMessage } from "./types.js";
import { DeliveryError } from "./delivery-error.js";
import type { Sleep } from "./rate-gate.js";

export interface RetryPolicy {
  /** Per attempt. */
  timeoutMs: number;
  attempts: number;
  /** First backoff; doubles after each failed attempt, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /**
   * A receiver asking for a longer wait than this is not retried: retrying earlier than asked only
   * prolongs a flood ban (Telegram) and would hold the channel's queue for minutes.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  timeoutMs: 10_000,
  attempts: 3,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export interface DeliverContext {
  clock: Clock;
  sleep: Sleep;
  logger: NotifyLogger;
  /** Aborts the attempt in flight and any wait (dispatcher stop). */
  stopSignal?: AbortSignal;
}

export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.backoffMs * 2 ** (failedAttempt - 1), policy.maxBackoffMs);
}

type AttemptResult = { ok: true } | { ok: false; error: DeliveryError };

/**
 * One attempt, bounded by `timeoutMs` even if the channel ignores its AbortSignal: the attempt is
 * raced against the timer, so a hung receiver can never hold the queue longer than the timeout.
 */
async function attemptOnce(
  channel: Channel,
  message: RenderedMessage,
  timeoutMs: number,
  stopSignal?: AbortSignal,
): Promise<AttemptResult> {
  const controller = new AbortController();
  let abortError: DeliveryError | null = null;
  let rejectRace: (e: DeliveryError) => void = () => {};
  const race = new Promise<never>((_, reject) => (rejectRace = reject));
  race.catch(() => {});
  const abort = (err: DeliveryError) => {
    if (abortError) return;
    abortError = err;
    controller.abort();
    rejectRace(err);
  };
  const timer = setTimeout(() => abort(new DeliveryError(`timeout after ${timeoutMs} ms`)), timeoutMs);
  const onStop = () => abort(new DeliveryError("notifier stopped", { retryable: false }));
  stopSignal?.addEventListener("abort", onStop, { once: true });
  // Promise.resolve().then: a channel that throws synchronously becomes a rejection like any other.
  const sending = Promise.resolve().then(() => channel.send(message, controller.signal));
  sending.catch(() => {}); // it may still reject after losing the race; that is not an unhandled rejection
  try {
    await Promise.race([sending, race]);
    return { ok: true };
  } catch (err) {
    if (abortError) return { ok: false, error: abortError };
    if (err instanceof DeliveryError) return { ok: false, error: err };
    // Not one of ours: its message may hold anything (a URL, a config), so only its type is kept.
    const kind = err instanceof Error ? err.name : typeof err;
    return { ok: false, error: new DeliveryError(`unexpected ${kind} in ${channel.name} channel`) };
  } finally {
    clearTimeout(timer);
    stopSignal?.removeEventListener("abort", onStop);
  }
}

export async function deliver(channel: Channel, message: RenderedMessage, policy: RetryPolicy, ctx: DeliverContext): Promise<Delivery> {
  const log = { channel: channel.name, alert_id: message.alertId, kind: message.kind };
  let attempts = 0;
  let error = "notifier stopped";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (ctx.stopSignal?.aborted) break;
    attempts = attempt;
    const result = await attemptOnce(channel, message, policy.timeoutMs, ctx.stopSignal);
    if (result.ok) {
      if (attempt > 1) ctx.logger.info({ ...log, attempts }, "notification delivered after retry");
      return { channel: channel.name, ok: true, attempts, error: null, at: ctx.clock.now() };
    }
    error = result.error.message;
    let waitMs = backoffDelay(policy, attempt);
    let final = attempt === policy.attempts || !result.error.retryable;
    const asked = result.error.retryAfterMs;
    if (!final && asked !== null) {
      if (asked > policy.maxRetryAfterMs) {
        error += `; receiver asked to retry after ${Math.ceil(asked / 1000)} s, more than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s limit`;
        final = true;
      } else {
        waitMs = asked;
      }
    }
    ctx.logger.warn({ ...log, attempt, of: policy.attempts, error, retry_in_ms: final ? null : waitMs }, "notification attempt failed");
    if (final) break;
    try {
      await ctx.sleep(waitMs, ctx.stopSignal);
    } catch {
      error += "; notifier stopped before the next attempt";
      break;
    }
  }
  ctx.logger.error({ ...log, attempts, error }, "notification not delivered");
  return { channel: channel.name, ok: false, attempts, error, at: ctx.clock.now() };
}
