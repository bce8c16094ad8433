// Wires the safety half (§6, §7): alert store on the journal's database, the Alerting state
// machines fed by the engine, the dispatcher and its channels, the exporter's API probe, and the
// 5 s evaluation tick. Ingestion only calls `botsChanged`, which never waits for a channel.
import type { Config } from "./config/index.js";
import type { Clock } from "./domain/clock.js";
import { Alerting } from "./engine/alerting.js";
import { GroupAlerting } from "./engine/group-alerting.js";
import { newAlertId } from "./domain/alert-record.js";
import type { Engine } from "./engine/engine.js";
import type { AlertingView } from "./exposition/metrics.js";
import type { Logger } from "./logger.js";
import {
  buildChannels,
  Dispatcher,
  type AlertRecord,
  type DispatcherOptions,
  type Channel,
  type ChannelName,
  type Delivery,
  type RenderedMessage,
} from "./notify/index.js";
import { ApiProbe } from "./sources/api-probe.js";
import { AlertStore } from "./store/alert-store.js";
import { ProbeStore } from "./store/probe-store.js";
import type { Journal } from "./store/journal.js";

export interface AlertingRuntime {
  readonly alerting: Alerting;
  /** The group drawdown triggers (§19). */
  readonly groupAlerting: GroupAlerting;
  readonly channels: Channel[];
  /** After events were applied for these bots. */
  botsChanged(bots: string[]): void;
  /** Every bot's and group's time-based conditions, now: what the evaluation timer runs (tests call it by hand). */
  tick(): void;
  /** The fleet's alerting series of /metrics (each bot's own: alerting.botAlerting). */
  metricsView(): AlertingView;
  /** Alert records as they are created or change (the live hub listens). */
  onAlert(listener: (record: AlertRecord) => void): void;
  /** Hands a message made elsewhere (a digest, §19) to the same queues and retries, on these channels. */
  send(message: RenderedMessage, channels: readonly ChannelName[]): void;
  /** Every delivery result, by message id (a digest's results go to its record this way). */
  onDelivery(listener: (id: string, delivery: Delivery) => void): void;
  start(): void;
  /** Stops timers and the probe, lets queued notifications go out for up to `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** How the dispatcher retries a channel (tests shorten it; production keeps the defaults). */
export type NotifyRetry = Pick<DispatcherOptions, "timeoutMs" | "attempts" | "backoffMs">;

export function createAlertingRuntime(deps: {
  config: Config;
  engine: Engine;
  journal: Journal;
  clock: Clock;
  logger: Logger;
  retry?: NotifyRetry;
}): AlertingRuntime {
  const { config, engine, clock, logger } = deps;
  const store = new AlertStore(deps.journal.db, { historySize: config.alerts.history_size });
  const channels = buildChannels(config.notifications, { clock });

  // Per channel, this process's delivery results (trading_notifications_total / _failures_total).
  const results = new Map<ChannelName, { sent: number; failed: number }>(channels.map((c) => [c.name, { sent: 0, failed: 0 }]));
  const alertListeners: Array<(r: AlertRecord) => void> = [];
  const deliveryListeners: Array<(id: string, d: Delivery) => void> = [];
  let groupAlerting: GroupAlerting | undefined;
  const emitAlert = (record: AlertRecord) => {
    // A group's record changed by a delivery or an acknowledgment: its firing state keeps up.
    groupAlerting?.refresh(record);
    for (const l of alertListeners) {
      try {
        l(record);
      } catch (err) {
        logger.error({ err }, "an alert listener failed");
      }
    }
  };

  let alerting: Alerting | undefined;
  const dispatcher = new Dispatcher({
    ...deps.retry,
    channels,
    logger,
    clock,
    onDelivery(alertId: string, delivery: Delivery) {
      const tally = results.get(delivery.channel);
      if (tally && delivery.ok) tally.sent++;
      else if (tally) tally.failed++;
      const record = alerting?.recordDelivery(alertId, delivery);
      if (record) emitAlert(record);
      for (const l of deliveryListeners) l(alertId, delivery);
    },
  });

  const probeCfg = config.api_probe;
  // §17: the probe resumes from its last result, so the first evaluation after a restart sees the
  // same api status as the last one before it, and failures keep counting.
  const probeStore = probeCfg.url ? new ProbeStore(deps.journal.db, probeCfg.url) : undefined;
  deps.journal.onReopen((db) => {
    store.rebind(db);
    probeStore?.rebind(db);
  });
  const probe = probeCfg.url
    ? new ApiProbe(
        {
          url: probeCfg.url,
          intervalSeconds: probeCfg.interval_seconds,
          timeoutSeconds: probeCfg.timeout_seconds,
          degradedLatencyMs: probeCfg.degraded_latency_ms,
          failuresBeforeDisconnected: probeCfg.failures_before_disconnected,
        },
        { clock, logger, onChange: () => alerting?.tick(), restored: probeStore?.load(), persist: (s) => probeStore?.save(s) },
      )
    : undefined;

  alerting = new Alerting({
    settings: { alerts: config.alerts, health: config.health, triggers: config.triggers, bots: config.bots },
    persistence: store,
    clock,
    readBot: (bot) => (engine.hasBot(bot) ? { perf: engine.performance(bot), safety: engine.safety(bot) } : undefined),
    readSafety: (bot) => (engine.hasBot(bot) ? engine.safety(bot) : undefined),
    bots: () => engine.bots(),
    probe: () => probe?.status() ?? null,
    probeBot: probeCfg.bot ?? null,
    notify: (n) => dispatcher.dispatch(n),
    onChange: emitAlert,
    external_url: config.external_url ?? null,
  });
  const a = alerting;
  groupAlerting = new GroupAlerting({
    policy: config.alerts,
    config: config.groups_triggers,
    persistence: store,
    clock,
    groups: () => engine.groups(),
    readGroup: (group) => engine.group(group),
    memberHealth: (bot) => a.health(bot),
    notify: (n) => dispatcher.dispatch(n),
    onChange: emitAlert,
    external_url: config.external_url ?? null,
    newId: newAlertId,
  });
  const groups = groupAlerting;
  const evaluateAll = () => {
    try {
      a.tick();
    } catch (err) {
      logger.error({ err }, "alert tick failed");
    }
    try {
      groups.tick();
    } catch (err) {
      logger.error({ err }, "group alert tick failed");
    }
  };
  const evaluateGroups = (bots: string[]) => {
    const changed = new Set(bots.flatMap((bot) => engine.groupsOf(bot)));
    for (const group of changed) {
      try {
        groups.evaluate(group);
      } catch (err) {
        logger.error({ err, group }, "group alert evaluation failed");
      }
    }
  };

  let tick: NodeJS.Timeout | undefined;
  return {
    alerting: a,
    groupAlerting: groups,
    channels,
    botsChanged(bots) {
      for (const bot of bots) {
        try {
          a.evaluate(bot);
        } catch (err) {
          logger.error({ err, bot }, "alert evaluation failed");
        }
      }
      evaluateGroups(bots);
    },
    metricsView: () => {
      // A stable order, so /metrics reads the same before and after a restart.
      return {
        firing: a.firing().sort(byBotAndTrigger),
        alertsTotal: a.alertCounts().sort(byBotAndTrigger),
        suppressedTotal: a.suppressedCounts().sort(byBotAndTrigger),
        groupTriggers: groups.triggers(),
        groupFiring: groups
          .firing()
          .sort((x, y) => (x.group === y.group ? x.trigger.localeCompare(y.trigger) : x.group.localeCompare(y.group))),
        notifications: [...results].map(([channel, r]) => ({ channel, ...r })),
      };
    },
    onAlert: (listener) => void alertListeners.push(listener),
    send: (message, only) => dispatcher.dispatchMessage(message, only),
    onDelivery: (listener) => void deliveryListeners.push(listener),
    tick: evaluateAll,
    start() {
      // Time-based conditions (stale bots, reminders, the probe, a new day for the groups) need
      // evaluation without events. A failing alert store (§15) throws inside; evaluateAll logs it, so
      // it never ends the start or the process.
      evaluateAll();
      tick = setInterval(evaluateAll, config.alerts.evaluation_interval_seconds * 1000);
      tick.unref();
      probe?.start();
    },
    async stop(graceMs = 2000) {
      if (tick) clearInterval(tick);
      probe?.stop();
      await Promise.race([dispatcher.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
      await dispatcher.stop();
    },
  };
}

function byBotAndTrigger(a: { bot: string; trigger: string }, b: { bot: string; trigger: string }): number {
  return a.bot === b.bot ? a.trigger.localeCompare(b.trigger) : a.bot.localeCompare(b.bot);
}
