// Wires the digests (§19): when each is due (src/domain/digest-schedule.ts), what it says
// (src/engine/digest-builder.ts, from the engine, the alert history and the journal), where the
// last period sent is kept (src/store/digest-store.ts), and the notifier's queues it goes out on.
// Once per period: the period is recorded as sent before the digest is queued, so a restart
// neither repeats it nor, within `digests.catch_up_hours` of when it was due, skips it.
import type { AlertingRuntime } from "./alerting-runtime.js";
import type { Config } from "./config/index.js";
import type { Clock } from "./domain/clock.js";
import type { DigestReport } from "./domain/digest-report.js";
import { dayKey, DIGEST_KINDS, latestDuePeriod, scheduleOf, type DigestKind, type DigestPeriod } from "./domain/digest-schedule.js";
import { TimeZoneCalendar } from "./domain/periods.js";
import { buildDigest } from "./engine/digest-builder.js";
import type { Engine } from "./engine/engine.js";
import type { Logger } from "./logger.js";
import { CHANNELS, digestMessage, sendNow, testResult, type Channel, type ChannelName, type TestResult } from "./notify/index.js";
import { DigestStore, type DigestRecord } from "./store/digest-store.js";
import type { Journal } from "./store/journal.js";

export interface DigestRuntime {
  /** Sends every digest that is due and not sent yet (at start: the one missed within the catch-up window). */
  tick(): void;
  /** POST /api/v1/digests/test: a digest of the period so far, one attempt on each channel, now. */
  sendTest(kind: DigestKind, channel: ChannelName | "all"): Promise<TestResult[]>;
  /** The digests sent, newest first, with their deliveries. */
  records(limit?: number): DigestRecord[];
  start(): void;
  stop(): void;
}

/** How often the schedule is looked at: a digest goes out within this long of its time. */
const CHECK_EVERY_MS = 20_000;

export function createDigestRuntime(deps: {
  config: Config;
  engine: Engine;
  alerts: AlertingRuntime;
  journal: Journal;
  clock: Clock;
  logger: Logger;
}): DigestRuntime {
  const { config, engine, alerts, clock, logger } = deps;
  const cfg = config.digests;
  const timezone = config.metrics.timezone;
  const store = new DigestStore(deps.journal.db);
  deps.journal.onReopen((db) => store.rebind(db));
  const calendar = new TimeZoneCalendar(timezone);
  const scheduleFor = (kind: DigestKind) => scheduleOf(kind, cfg[kind].at, kind === "weekly" ? cfg.weekly.day : undefined);
  const enabled = DIGEST_KINDS.filter((kind) => cfg[kind].enabled);
  const rendersDigests = new Set<string>(CHANNELS.filter((c) => c.digests).map((c) => c.name));
  /** The configured channels a digest of `kind` goes to: those listed, or every one when none is. */
  const channelsFor = (kind: DigestKind): Channel[] =>
    alerts.channels.filter((c) => rendersDigests.has(c.name) && (cfg[kind].channels.length === 0 || cfg[kind].channels.includes(c.name)));
  alerts.onDelivery((id, delivery) => {
    if (id.startsWith("digest:")) store.appendDelivery(id, delivery);
  });

  function report(period: DigestPeriod, test: boolean): DigestReport {
    const bots = engine.bots();
    const limit = config.alerts.history_size;
    return buildDigest({
      period,
      test,
      timezone,
      now: clock.now(),
      bots: bots.map((bot) => ({ perf: engine.performance(bot), health: alerts.alerting.health(bot)?.level ?? "HEALTHY" })),
      groups: engine.groups().map((g) => engine.group(g)),
      trades: store.periodTrades(bots, period.from, period.to),
      // A scheduled period is [from, to); a test's runs to now, so what fired this instant is in it.
      fired: alerts.alerting.history({ since: period.from, limit }).filter((r) => test || r.started_at < period.to),
      firing: alerts.alerting.history({ status: "firing", limit }),
      external_url: config.external_url ?? null,
    });
  }

  function due(kind: DigestKind, now: number): void {
    const period = latestDuePeriod(scheduleFor(kind), calendar, now);
    const last = store.lastSent(kind);
    // Keys are local dates: a later period has a later key (and a clock set back sends nothing again).
    if (last !== null && last >= period.key) return;
    if (last === null) {
      // Digests just switched on: the schedule starts with the next period, not with one already past.
      store.markPeriod(kind, period.key, now);
      logger.info({ kind, period: period.key }, "digests start with the next period");
      return;
    }
    if (now - period.to > cfg.catch_up_hours * 3_600_000) {
      store.markPeriod(kind, period.key, now);
      logger.warn({ kind, period: period.key }, "digest missed by more than digests.catch_up_hours: not sent");
      return;
    }
    const d = report(period, false);
    const channels = channelsFor(kind).map((c) => c.name);
    store.recordSent({ id: d.id, kind, period: period.key, test: false, at: now });
    alerts.send(digestMessage(d), channels);
    logger.info({ kind, period: period.key, channels, late_ms: now - period.to }, "digest queued");
  }

  function tick(): void {
    const now = clock.now();
    for (const kind of enabled) {
      try {
        due(kind, now);
      } catch (err) {
        // A failing store (§15) is retried on the next check; nothing was queued.
        logger.error({ err, kind }, "digest check failed");
      }
    }
  }

  let timer: NodeJS.Timeout | undefined;
  return {
    tick,
    async sendTest(kind, channel) {
      const now = clock.now();
      const last = latestDuePeriod(scheduleFor(kind), calendar, now);
      const period = { kind, key: dayKey(calendar.dayContaining(now).day), from: last.to, to: now };
      const chosen =
        channel === "all" ? channelsFor(kind) : alerts.channels.filter((c) => c.name === channel && rendersDigests.has(c.name));
      if (channel !== "all" && chosen.length === 0) return [{ channel, ok: false, error: "channel not configured" }];
      const d = report(period, true);
      store.recordSent({ id: d.id, kind, period: period.key, test: true, at: now });
      const deliveries = await sendNow(chosen, digestMessage(d), { clock, logger });
      for (const delivery of deliveries) store.appendDelivery(d.id, delivery);
      return deliveries.map(testResult);
    },
    records: (limit) => store.records(limit),
    start() {
      tick();
      timer = setInterval(tick, CHECK_EVERY_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
