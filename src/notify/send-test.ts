// POST /api/v1/alerts/test: send a test message on the configured channels now and say, per
// channel, whether it arrived. One attempt each (the caller is waiting on an HTTP reply), all
// channels in parallel; the Telegram rate gate still applies because it lives in the channel.
import type { Clock } from "../domain/clock.js";
import { systemClock } from "../domain/clock.js";
import type { Channel, ChannelName, Delivery, Notification, NotifyLogger, RenderedMessage } from "./types.js";
import { silentLogger } from "../logger.js";
import { renderMessage } from "./message.js";
import { DEFAULT_RETRY_POLICY, deliver } from "./deliver.js";
import { realSleep } from "./rate-gate.js";

export interface TestResult {
  channel: ChannelName;
  ok: boolean;
  error?: string;
}

export interface SendTestOptions {
  external_url?: string | null;
  /** Overall health to show in the message (default HEALTHY, no reasons). */
  health?: Notification["health"];
  timeoutMs?: number;
  clock?: Clock;
  logger?: NotifyLogger;
}

export function testNotification(nowMs: number, opts: SendTestOptions = {}): Notification {
  return {
    kind: "test",
    alert: {
      id: `test-${nowMs}`,
      bot: "trading-exporter",
      trigger: "test",
      severity: "warning",
      status: "firing",
      value: null,
      threshold: null,
      message: "Test notification",
      started_at: nowMs,
      resolved_at: null,
      notified: true,
      suppressed: false,
      deliveries: [],
      acknowledged_at: null,
      acknowledged_by: null,
    },
    health: opts.health ?? { level: "HEALTHY", reasons: [] },
    external_url: opts.external_url ?? null,
  };
}

/**
 * `which` names one channel or "all". A named channel that is not configured and enabled gets
 * `{ok: false, error: "channel not configured"}`; "all" with no channel configured gives [].
 */
export async function sendTest(channels: Channel[], which: ChannelName | "all", opts: SendTestOptions = {}): Promise<TestResult[]> {
  const clock = opts.clock ?? systemClock;
  const chosen = which === "all" ? channels : channels.filter((c) => c.name === which);
  if (which !== "all" && chosen.length === 0) return [{ channel: which, ok: false, error: "channel not configured" }];
  return (await sendNow(chosen, renderMessage(testNotification(clock.now(), opts)), opts)).map(testResult);
}

/** A delivery as the test routes answer it. */
export function testResult(d: Delivery): TestResult {
  return d.ok ? { channel: d.channel, ok: true } : { channel: d.channel, ok: false, error: d.error ?? "failed" };
}

/** One attempt of `message` on each of `channels`, in parallel; the delivery per channel. */
export function sendNow(channels: Channel[], message: RenderedMessage, opts: SendTestOptions = {}): Promise<Delivery[]> {
  const policy = { ...DEFAULT_RETRY_POLICY, attempts: 1, timeoutMs: opts.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs };
  const ctx = { clock: opts.clock ?? systemClock, sleep: realSleep, logger: opts.logger ?? silentLogger };
  return Promise.all(channels.map((c) => deliver(c, message, policy, ctx)));
}
