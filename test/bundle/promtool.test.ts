// prometheus/: the rules and config pass promtool, the promtool unit tests pass and cover every alert,
// and the unit tests are sharp enough to catch a broken rule.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { requireBinary } from "../support/binaries.js";
import { run } from "./helpers/run.js";

const root = join(import.meta.dirname, "..", "..");
const prometheusDir = join(root, "prometheus");
const rulesFile = join(prometheusDir, "rules", "trading-alerts.yml");
const testFiles = readdirSync(join(prometheusDir, "tests"))
  .filter((name) => name.endsWith(".yml"))
  .map((name) => join("tests", name));
const promtool = requireBinary("promtool", "apt-get install prometheus");

interface RuleTestFile {
  tests: {
    name: string;
    input_series: { series: string; values: string }[];
    alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
  }[];
}

// §7: trigger id and default severity per alert (plus the exporter's own liveness and storage alerts),
// and the three drawdown triggers for groups (§19).
const EXPECTED_ALERTS: Record<string, { trigger: string; severity: string }> = {
  TradingDailyDrawdown: { trigger: "daily_drawdown", severity: "warning" },
  TradingWeeklyDrawdown: { trigger: "weekly_drawdown", severity: "error" },
  TradingTotalDrawdown: { trigger: "total_drawdown", severity: "critical" },
  TradingCircuitBreakerTripped: { trigger: "circuit_breaker_trip", severity: "critical" },
  TradingKillSwitchActive: { trigger: "kill_switch_activation", severity: "critical" },
  TradingConsecutiveLosses: { trigger: "consecutive_losses", severity: "warning" },
  TradingLowWinRate: { trigger: "low_win_rate", severity: "warning" },
  TradingApiDisconnected: { trigger: "api_disconnected", severity: "error" },
  TradingBotStale: { trigger: "bot_stale", severity: "error" },
  TradingExporterDown: { trigger: "exporter_down", severity: "critical" },
  TradingExporterStorageLow: { trigger: "storage_low", severity: "warning" },
  TradingExporterStoreFailing: { trigger: "store_failing", severity: "critical" },
  TradingGroupDailyDrawdown: { trigger: "daily_drawdown", severity: "warning" },
  TradingGroupWeeklyDrawdown: { trigger: "weekly_drawdown", severity: "error" },
  TradingGroupTotalDrawdown: { trigger: "total_drawdown", severity: "critical" },
};
/** The exporter's own alerts: no §7 trigger, so no trading_alert_enabled gate. */
const EXPORTER_ALERTS = ["TradingExporterDown", "TradingExporterStorageLow", "TradingExporterStoreFailing"];
/** The config series a rule reads: trading_alert_* for bots, trading_group_alert_* for groups. */
const configPrefix = (alertname: string) => (alertname.startsWith("TradingGroup") ? "trading_group_alert_" : "trading_alert_");
const THRESHOLD_ALERTS = [
  "TradingDailyDrawdown",
  "TradingWeeklyDrawdown",
  "TradingTotalDrawdown",
  "TradingConsecutiveLosses",
  "TradingLowWinRate",
  "TradingGroupDailyDrawdown",
  "TradingGroupWeeklyDrawdown",
  "TradingGroupTotalDrawdown",
];

const rules = (
  parse(readFileSync(rulesFile, "utf8")) as {
    groups: {
      rules: { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }[];
    }[];
  }
).groups.flatMap((group) => group.rules);
const unitTests = testFiles.flatMap((file) => (parse(readFileSync(join(prometheusDir, file), "utf8")) as RuleTestFile).tests);

describe("prometheus/rules/trading-alerts.yml", () => {
  it("has one alert per §7 trigger plus the exporter's own and the group drawdowns, with the trigger id and default severity", () => {
    expect(Object.fromEntries(rules.map((rule) => [rule.alert, rule.labels]))).toEqual(EXPECTED_ALERTS);
  });

  it("carries summary, description and a dashboard link on every alert", () => {
    for (const rule of rules) {
      expect(Object.keys(rule.annotations).sort(), rule.alert).toEqual(["dashboard", "description", "summary"]);
      expect(rule.annotations.dashboard, rule.alert).toMatch(/^http:\/\/localhost:3000\/d\/trading-(bot|exporter|overview)\//);
    }
  });

  it("writes no threshold literal: only 0/1 state comparisons, values come from trading_alert_* series", () => {
    for (const rule of rules.filter((r) => !EXPORTER_ALERTS.includes(r.alert))) {
      const withoutStrings = rule.expr.replace(/"[^"]*"/g, '""');
      const numbers = withoutStrings.match(/(?<![\w.])\d+(\.\d+)?(?![\w.])/g) ?? [];
      expect(
        numbers.every((n) => n === "1"),
        `${rule.alert}: ${rule.expr}`,
      ).toBe(true);
      expect(rule.expr, rule.alert).toContain(`${configPrefix(rule.alert)}enabled{trigger="${EXPECTED_ALERTS[rule.alert]!.trigger}"} == 1`);
    }
    for (const name of THRESHOLD_ALERTS) {
      const rule = rules.find((r) => r.alert === name)!;
      expect(rule.expr, name).toContain(`${configPrefix(name)}threshold{trigger="${EXPECTED_ALERTS[name]!.trigger}"}`);
    }
    expect(rules.find((r) => r.alert === "TradingLowWinRate")!.expr).toContain('trading_alert_min_trades{trigger="low_win_rate"}');
  });

  it("has unit tests where every alert fires, stays silent, and is switched off by trading_alert_enabled", () => {
    for (const alertname of Object.keys(EXPECTED_ALERTS)) {
      const cases = unitTests.flatMap((test) => test.alert_rule_test.filter((c) => c.alertname === alertname).map((c) => ({ test, c })));
      expect(
        cases.some(({ c }) => c.exp_alerts.length > 0),
        `${alertname} fires somewhere`,
      ).toBe(true);
      expect(
        cases.some(({ c }) => c.exp_alerts.length === 0),
        `${alertname} is silent somewhere`,
      ).toBe(true);
      if (EXPORTER_ALERTS.includes(alertname)) continue;
      const trigger = EXPECTED_ALERTS[alertname]!.trigger;
      const disabledSomewhere = cases.some(({ test }) =>
        test.input_series.some(
          (s) =>
            s.series.startsWith(`${configPrefix(alertname)}enabled`) && s.series.includes(`"${trigger}"`) && /(^|\s)0(\s|$)/.test(s.values),
        ),
      );
      expect(disabledSomewhere, `${alertname} has a case with trading_alert_enabled 0`).toBe(true);
    }
    for (const alertname of THRESHOLD_ALERTS) {
      const trigger = EXPECTED_ALERTS[alertname]!.trigger;
      const changesThreshold = unitTests.some((test) =>
        test.input_series.some(
          (s) =>
            s.series.startsWith(`${configPrefix(alertname)}threshold`) &&
            s.series.includes(`"${trigger}"`) &&
            new Set(s.values.split(/\s+/)).size > 1,
        ),
      );
      expect(changesThreshold, `${alertname} has a case where the threshold changes`).toBe(true);
    }
  });
});

describe.skipIf(promtool.skipReason)("promtool", () => {
  const bin = promtool.path ?? "promtool";
  const scratch: string[] = [];
  afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("check rules: clean", async () => {
    const result = await run(bin, ["check", "rules", rulesFile]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${Object.keys(EXPECTED_ALERTS).length} rules found`);
    expect(result.output).not.toMatch(/warning/i);
  });

  it.each(["prometheus.yml", "prometheus-ha.yml"])("check config: %s and the rule files it loads are valid", async (file) => {
    const result = await run(bin, ["check", "config", join(prometheusDir, file)]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("SUCCESS: 1 rule files found");
  });

  it("test rules: every unit test in prometheus/tests passes", async () => {
    expect(testFiles.length).toBeGreaterThanOrEqual(4);
    const result = await run(bin, ["test", "rules", ...testFiles], { cwd: prometheusDir });
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain("FAILED");
  });

  // The unit tests must be able to fail: break the rules the way a careless edit would and expect them to.
  it.each([
    ["fires only strictly above the threshold", (rules: string) => rules.replaceAll(">= on(", "> on(")],
    [
      "ignores trading_alert_enabled",
      (rules: string) =>
        rules.replace(/\n\s*and on\(job, instance, bot\)\n\s*\(trading_alert_enabled\{trigger="daily_drawdown"\} == 1\)/, ""),
    ],
    [
      "ignores trading_group_alert_enabled",
      (rules: string) =>
        rules.replace(/\n\s*and on\(job, instance, group\)\n\s*\(trading_group_alert_enabled\{trigger="total_drawdown"\} == 1\)/, ""),
    ],
    [
      "compares a group's drawdown with another trigger's threshold",
      (rules: string) =>
        rules.replace(
          /trading_group_drawdown_ratio\n(\s+)>= on\(job, instance, group\) group_left\(\)\n(\s+)trading_group_alert_threshold\{trigger="total_drawdown"\}/,
          'trading_group_drawdown_ratio\n$1>= on(job, instance, group) group_left()\n$2trading_group_alert_threshold{trigger="weekly_drawdown"}',
        ),
    ],
    [
      "drops the min_trades condition",
      (rules: string) =>
        rules.replace(
          /trading_window_trades\n\s+>= on\(job, instance, bot\) group_left\(\)\n\s+trading_alert_min_trades\{trigger="low_win_rate"\}/,
          "trading_window_trades",
        ),
    ],
  ])("test rules: catches a rule that %s", async (_name, mutate) => {
    const dir = mkdtempSync(join(tmpdir(), "trading-promtool-"));
    scratch.push(dir);
    cpSync(prometheusDir, dir, { recursive: true });
    const original = readFileSync(rulesFile, "utf8");
    const broken = mutate(original);
    expect(broken).not.toBe(original);
    writeFileSync(join(dir, "rules", "trading-alerts.yml"), broken);
    const result = await run(bin, ["test", "rules", ...testFiles], { cwd: dir });
    expect(result.code, result.output).not.toBe(0);
  });
});
