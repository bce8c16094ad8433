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
  /** The same counts by bot, so one bot's are read without going through every bot's. */
  private readonly byBot = new Map<string, { firings: AlertCount[]; suppressions: SuppressedCount[] }>();

  add(bot: string, trigger: string, severity: Severity, firings: number, suppressed: number): void {
    let ofBot = this.byBot.get(bot);
    if (!ofBot) this.byBot.set(bot, (ofBot = { firings: [], suppressions: [] }));
    const fk = `${bot}\u0000${trigger}\u0000${severity}`;
    let f = this.firings.get(fk);
    if (!f) {
      this.firings.set(fk, (f = { bot, trigger, severity, count: 0 }));
      ofBot.firings.push(f);
    }
    f.count += firings;
    const sk = `${bot}\u0000${trigger}`;
    let s = this.suppressions.get(sk);
    if (!s) {
      this.suppressions.set(sk, (s = { bot, trigger, count: 0 }));
      ofBot.suppressions.push(s);
    }
    s.count += suppressed;
  }

  /** One bot's counts (copies), in the order they were first counted. */
  countsOf(bot: string): { alertCounts: AlertCount[]; suppressedCounts: SuppressedCount[] } {
    const ofBot = this.byBot.get(bot);
    return {
      alertCounts: ofBot ? ofBot.firings.map((c) => ({ ...c })) : [],
      suppressedCounts: ofBot ? ofBot.suppressions.map((c) => ({ ...c })) : [],
    };
  }

  /** Copies, so a reader can't change the counts. */
  alertCounts(): AlertCount[] {
    return [...this.firings.values()].map((c) => ({ ...c }));
  }

  suppressedCounts(): SuppressedCount[] {
    return [...this.suppressions.values()].map((c) => ({ ...c }));
  }
}
