// Notifications as the alert state machine would hand them to the notifier.
import type { AlertRecord, Notification, NotifyLogger } from "../../src/notify/types.js";

export const T0 = Date.UTC(2024, 4, 6, 14, 30, 0); // 2024-05-06T14:30:00.000Z

export function alertRecord(over: Partial<AlertRecord> = {}): AlertRecord {
  const { bot, group, ...rest } = over;
  // A group's record (§19) names its group instead of the bot.
  const subject = group !== undefined ? { group } : { bot: bot ?? "alpha" };
  return {
    id: "a-1",
    trigger: "daily_drawdown",
    severity: "warning",
    status: "firing",
    value: 0.062,
    threshold: 0.05,
    message: "daily drawdown 6.20% reached the 5.00% limit",
    started_at: T0,
    resolved_at: null,
    notified: true,
    suppressed: false,
    deliveries: [],
    acknowledged_at: null,
    acknowledged_by: null,
    ...rest,
    ...subject,
  };
}

export function notification(over: Partial<Omit<Notification, "alert">> & { alert?: Partial<AlertRecord> } = {}): Notification {
  return {
    kind: over.kind ?? "firing",
    alert: alertRecord(over.alert),
    health: over.health ?? { level: "DEGRADED", reasons: ["circuit breaker open: volatility spike"] },
    external_url: over.external_url === undefined ? "https://monitor.example.com/" : over.external_url,
  };
}

export interface LogLine {
  level: "info" | "warn" | "error";
  obj: Record<string, unknown>;
  msg: string;
}

/** A logger that keeps every line, serialized the way pino would write it. */
export function capturingLogger(): NotifyLogger & { lines: LogLine[]; dump(): string } {
  const lines: LogLine[] = [];
  const at = (level: LogLine["level"]) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, obj, msg });
  return {
    lines,
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    dump: () => lines.map((l) => JSON.stringify({ ...l.obj, msg: l.msg })).join("\n"),
  };
}
