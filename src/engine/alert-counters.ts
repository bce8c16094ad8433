// trading_alerts_total and trading_alerts_suppressed_total (§9): every firing per (bot, trigger,
// severity), notified or suppressed, and the suppressed ones per (bot, trigger). Alerting restores
// them from the persisted counters at start, so they survive restarts as the records do.
import type { Severity } from "../domain/alert-record.js";

export interface AlertCount {
  bot: string;
  trigger: string;
  severity: Severity;
  count: number;
}

export interface SuppressedCount {
  bot: string;
  trigger: string;
  count: number;
}

export class AlertCounters {
  private readonly firings = new Map<string, AlertCount>();
  private readonly suppressions = new Map<string, SuppressedCount>();

  add(bot: string, trigger: string, severity: Severity, firings: number, suppressed: number): void {
    const fk = `${bot}\u0000${trigger}\u0000${severity}`;
    const f = this.firings.get(fk) ?? { bot, trigger, severity, count: 0 };
    f.count += firings;
    this.firings.set(fk, f);
    const sk = `${bot}\u0000${trigger}`;
    const s = this.suppressions.get(sk) ?? { bot, trigger, count: 0 };
    s.count += suppressed;
    this.suppressions.set(sk, s);
  }

  /** Copies, so a reader can't change the counts. */
  alertCounts(): AlertCount[] {
    return [...this.firings.values()].map((c) => ({ ...c }));
  }

  suppressedCounts(): SuppressedCount[] {
    return [...this.suppressions.values()].map((c) => ({ ...c }));
  }
}
