// The per-source series of §18: trading_source_up, trading_source_errors_total and
// trading_source_last_message_timestamp_seconds, read from the sources' health at scrape time.
import { Counter, Gauge, type Registry, type RegistryContentType } from "prom-client";

/** What the exposition reads (the sources' health snapshot satisfies it). */
export interface SourceHealthView {
  entries: Array<{ source: string; bot: string; up: boolean; last_message_at: number | null }>;
  errors: Array<{ source: string; reason: string; count: number }>;
}

export function registerSourceMetrics(registers: Registry<RegistryContentType>[], read: () => SourceHealthView): void {
  new Gauge({
    name: "trading_source_up",
    help: "1 while the source delivers for the bot (connected, or its last poll succeeded); 0 otherwise.",
    labelNames: ["source", "bot"],
    registers,
    collect() {
      this.reset();
      for (const e of read().entries) this.set({ source: e.source, bot: e.bot }, e.up ? 1 : 0);
    },
  });
  new Gauge({
    name: "trading_source_last_message_timestamp_seconds",
    help: "When the source last delivered a message for the bot (0: never).",
    labelNames: ["source", "bot"],
    registers,
    collect() {
      this.reset();
      for (const e of read().entries) this.set({ source: e.source, bot: e.bot }, e.last_message_at === null ? 0 : e.last_message_at / 1000);
    },
  });
  new Counter({
    name: "trading_source_errors_total",
    help: "Messages a source refused or could not deliver, by reason (malformed, unknown_bot, unauthorized, store_error, ...).",
    labelNames: ["source", "reason"],
    registers,
    collect() {
      this.reset();
      for (const e of read().errors) this.inc({ source: e.source, reason: e.reason }, e.count);
    },
  });
}
