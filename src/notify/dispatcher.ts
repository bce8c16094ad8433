// Asynchronous delivery of notifications (§7). `dispatch` only renders and enqueues: ingestion
// must never wait for a channel. Each channel has its own FIFO queue worked one message at a time,
// so a hanging or rate-limited channel delays only itself.
import type { Clock } from "../domain/clock.js";
import { systemClock } from "../domain/clock.js";
import type { Channel, ChannelName, Delivery, Notification, NotifyLogger, RenderedMessage } from "./types.js";
import { silentLogger } from "../logger.js";
import { renderMessage } from "./message.js";
import { DEFAULT_RETRY_POLICY, deliver, type RetryPolicy } from "./deliver.js";
import { realSleep, type Sleep } from "./rate-gate.js";

export interface DispatcherOptions {
  channels: Channel[];
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  maxRetryAfterMs?: number;
  /** Per channel; beyond it new notifications are recorded as failed instead of growing memory. */
  maxQueue?: number;
  /** Called once per channel per dispatched notification, with the final result. */
  onDelivery?: (alertId: string, delivery: Delivery) => void;
  logger?: NotifyLogger;
  clock?: Clock;
  sleep?: Sleep;
}

interface ChannelQueue {
  channel: Channel;
  jobs: RenderedMessage[];
  working: boolean;
}

export class Dispatcher {
  private readonly queues: ChannelQueue[];
  private readonly policy: RetryPolicy;
  private readonly maxQueue: number;
  private readonly logger: NotifyLogger;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly onDelivery: (alertId: string, delivery: Delivery) => void;
  private readonly stopController = new AbortController();
  /** Messages enqueued and not yet reported. */
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: DispatcherOptions) {
    const names = new Set<ChannelName>();
    for (const c of opts.channels) {
      if (names.has(c.name)) throw new Error(`channel ${c.name} given twice`);
      names.add(c.name);
    }
    this.queues = opts.channels.map((channel) => ({ channel, jobs: [], working: false }));
    this.policy = {
      timeoutMs: opts.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs,
      attempts: Math.max(1, opts.attempts ?? DEFAULT_RETRY_POLICY.attempts),
      backoffMs: opts.backoffMs ?? DEFAULT_RETRY_POLICY.backoffMs,
      maxBackoffMs: opts.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    };
    this.maxQueue = opts.maxQueue ?? 1000;
    this.logger = opts.logger ?? silentLogger;
    this.clock = opts.clock ?? systemClock;
    this.sleep = opts.sleep ?? realSleep;
    this.onDelivery = opts.onDelivery ?? (() => {});
  }

  get channelNames(): ChannelName[] {
    return this.queues.map((q) => q.channel.name);
  }

  /** Enqueue on every channel and return at once. Never throws. */
  dispatch(n: Notification): void {
    try {
      if (this.stopController.signal.aborted) {
        this.logger.warn({ alert_id: n.alert.id }, "notifier stopped: notification dropped");
        return;
      }
      if (this.queues.length === 0) return;
      const message = renderMessage(n);
      for (const q of this.queues) this.enqueue(q, message);
    } catch (err) {
      this.logger.error(
        { alert_id: n?.alert?.id, error: err instanceof Error ? err.name : typeof err },
        "notification could not be queued",
      );
    }
  }

  /**
   * Enqueue a message made elsewhere (a digest, §19) on the named channels (every one when absent),
   * with the same queues, retries and delivery reports as alerts. Never throws.
   */
  dispatchMessage(message: RenderedMessage, only?: readonly ChannelName[]): void {
    if (this.stopController.signal.aborted) {
      this.logger.warn({ alert_id: message.alertId }, "notifier stopped: message dropped");
      return;
    }
    for (const q of this.queues) if (!only || only.includes(q.channel.name)) this.enqueue(q, message);
  }

  /** Resolves when every queue is empty and nothing is in flight. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Abort attempts in flight and waits between attempts, record everything still queued as not
   * delivered, and resolve once every queue has wound down. For a graceful shutdown, await
   * `idle()` (with a deadline) first.
   */
  async stop(): Promise<void> {
    this.stopController.abort();
    for (const q of this.queues) {
      const dropped = q.jobs.splice(0);
      for (const message of dropped) {
        this.report(message.alertId, {
          channel: q.channel.name,
          ok: false,
          attempts: 0,
          error: "notifier stopped before sending",
          at: this.clock.now(),
        });
      }
    }
    await this.idle();
  }

  private enqueue(q: ChannelQueue, message: RenderedMessage): void {
    if (q.jobs.length >= this.maxQueue) {
      this.pending++;
      this.report(message.alertId, {
        channel: q.channel.name,
        ok: false,
        attempts: 0,
        error: `queue full (${this.maxQueue} notifications waiting)`,
        at: this.clock.now(),
      });
      return;
    }
    q.jobs.push(message);
    this.pending++;
    if (!q.working) {
      q.working = true;
      // Start on a later tick: even a channel's synchronous setup must not run inside dispatch().
      setImmediate(() => void this.work(q));
    }
  }

  private async work(q: ChannelQueue): Promise<void> {
    try {
      for (let message = q.jobs.shift(); message; message = q.jobs.shift()) {
        const delivery = await deliver(q.channel, message, this.policy, {
          clock: this.clock,
          sleep: this.sleep,
          logger: this.logger,
          stopSignal: this.stopController.signal,
        });
        this.report(message.alertId, delivery);
      }
    } finally {
      q.working = false;
    }
  }

  private report(alertId: string, delivery: Delivery): void {
    try {
      this.onDelivery(alertId, delivery);
    } catch (err) {
      this.logger.error(
        { alert_id: alertId, channel: delivery.channel, error: err instanceof Error ? err.name : typeof err },
        "onDelivery callback failed",
      );
    }
    this.pending--;
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
