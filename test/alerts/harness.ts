// Alerting on a real SQLite file in a temp directory, with a hand-moved clock and bots whose
// snapshots the test edits. `reopen()` simulates a restart on the same file.
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/domain/clock.js";
import { HEALTH_DEFAULTS, type ProbeStatus } from "../../src/domain/health.js";
import type { TriggerConfig } from "../../src/domain/triggers.js";
import { ALERT_POLICY_DEFAULTS, type AlertPolicy } from "../../src/engine/alert-state.js";
import { Alerting, type BotSnapshots } from "../../src/engine/alerting.js";
import type { AlertRecord, Notification } from "../../src/notify/types.js";
import { AlertStore } from "../../src/store/alert-store.js";
import { perfSnapshot, safetySnapshot, T0 } from "./snapshots.js";
import { afterEach } from "vitest";

export interface HarnessOptions extends TriggerConfig {
  alerts?: Partial<AlertPolicy>;
  historySize?: number;
  probeBot?: string | null;
}

export class AlertHarness {
  readonly dir = mkdtempSync(join(tmpdir(), "te-alerts-"));
  readonly clock = new ManualClock(T0);
  readonly bots = new Map<string, BotSnapshots>();
  readonly sent: Notification[] = [];
  readonly changes: AlertRecord[] = [];
  probeStatus: ProbeStatus | null = null;
  db!: Database.Database;
  store!: AlertStore;
  alerting!: Alerting;
  private ids = 0;

  constructor(private readonly options: HarnessOptions = {}) {
    this.open();
  }

  private open(): void {
    this.db = new Database(join(this.dir, "exporter.db"));
    this.db.pragma("journal_mode = WAL");
    this.store = new AlertStore(this.db, { historySize: this.options.historySize ?? 1000 });
    this.alerting = new Alerting({
      settings: {
        alerts: { ...ALERT_POLICY_DEFAULTS, ...this.options.alerts },
        health: HEALTH_DEFAULTS,
        triggers: this.options.triggers,
        bots: this.options.bots,
      },
      persistence: this.store,
      clock: this.clock,
      readBot: (bot) => this.bots.get(bot),
      bots: () => this.bots.keys(),
      probe: () => this.probeStatus,
      probeBot: this.options.probeBot,
      notify: (n) => this.sent.push(n),
      onChange: (r) => this.changes.push(r),
      external_url: "http://grafana.example/d/trading",
      // Unique across restarts of the same file.
      newId: () => `alert-${this.dir.slice(-6)}-${++this.ids}`,
    });
  }

  /** Closes the database and builds everything again on the same file, as a restart does. */
  reopen(): void {
    this.db.close();
    this.open();
  }

  /** Sets a bot's snapshots (a calm bot unless told otherwise) and evaluates it. */
  set(bot: string, perf: Parameters<typeof perfSnapshot>[0] = {}, safety: Parameters<typeof safetySnapshot>[0] = {}): void {
    this.bots.set(bot, { perf: perfSnapshot({ bot, ...perf }), safety: safetySnapshot({ bot, ...safety }) });
    this.alerting.evaluate(bot);
  }

  kinds(): string[] {
    return this.sent.map((n) => `${n.kind}:${n.alert.bot}:${n.alert.trigger}`);
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `harness()` for a test file: every harness it makes is closed after each test. */
export function closedAfterEach(): (options?: HarnessOptions) => AlertHarness {
  const open: AlertHarness[] = [];
  afterEach(() => {
    for (const h of open.splice(0)) h.close();
  });
  return (options = {}) => {
    const h = new AlertHarness(options);
    open.push(h);
    return h;
  };
}
