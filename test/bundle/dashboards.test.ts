// grafana/dashboards: valid dashboard JSON (zod schema of the model parts used), stable uids, a unit on
// every panel, counters only inside rate/increase, every query parses with Prometheus's own parser, and
// every §9 series a person would look at is on a dashboard.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { allPanelQueries, renderDashboards, substituteDashboardVariables } from "../../src/bundle/dashboards/index.js";
import type { DataPanel } from "../../src/bundle/dashboards/model.js";
import { requireBinary } from "../support/binaries.js";
import { countersOutsideRate } from "./helpers/counters.js";
import { dashboardSchema } from "./helpers/dashboard-schema.js";
import { run } from "./helpers/run.js";
import { SPEC_SERIES } from "../support/spec-series.js";

const dashboards = renderDashboards();
const dataPanels = dashboards.flatMap((d) =>
  d.panels.filter((p): p is DataPanel => p.type !== "row").map((panel) => ({ dashboard: d.uid, panel })),
);
const promtool = requireBinary("promtool", "apt-get install prometheus");

// Grafana unit ids the bundle may use (Grafana's "Misc", "Data", "Time", "Throughput" categories).
const KNOWN_UNITS = new Set(["none", "short", "percentunit", "s", "bytes", "ops", "opm", "dateTimeAsIso"]);
// A bare selector of one of these metrics must be shown in this unit.
const METRIC_UNITS: Record<string, string> = {
  trading_drawdown_ratio: "percentunit",
  trading_daily_drawdown_ratio: "percentunit",
  trading_weekly_drawdown_ratio: "percentunit",
  trading_max_drawdown_ratio: "percentunit",
  trading_win_rate_ratio: "percentunit",
  trading_position_utilization_ratio: "percentunit",
  trading_api_latency_seconds: "s",
  nodejs_eventloop_lag_p99_seconds: "s",
  process_resident_memory_bytes: "bytes",
  trading_equity: "short",
  trading_daily_pnl: "short",
};

// §9, every series a person would look at (all of them, plus process metrics, ALERTS and up).
const SECTION_9_SERIES = [
  ...Object.keys(SPEC_SERIES),
  "process_cpu_seconds_total",
  "process_resident_memory_bytes",
  "nodejs_heap_size_used_bytes",
  "nodejs_eventloop_lag_p99_seconds",
  "ALERTS",
  "up",
];

describe("Grafana dashboards", () => {
  it("are the three dashboards of §14 with pinned uids (links and alert annotations depend on them)", () => {
    expect(dashboards.map((d) => [d.uid, d.title])).toEqual([
      ["trading-overview", "Trading overview"],
      ["trading-bot", "Trading bot"],
      ["trading-exporter", "Exporter and alerts"],
    ]);
  });

  it.each(dashboards.map((d) => [d.uid, d] as const))(
    "%s validates against the bundle's own (strict, zod) dashboard schema",
    (_uid, dashboard) => {
      const result = dashboardSchema.safeParse(dashboard);
      expect(result.success, result.error?.message).toBe(true);
    },
  );

  it("have unique panel ids and no overlapping panels", () => {
    for (const dashboard of dashboards) {
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size, dashboard.uid).toBe(ids.length);
      const cells = new Set<string>();
      for (const { gridPos: g, title } of dashboard.panels) {
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            const cell = `${x},${y}`;
            expect(cells.has(cell), `${dashboard.uid}: "${title}" overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
      }
    }
  });

  it("have a datasource variable that every panel and query uses; the bot dashboard has $bot from trading_equity", () => {
    for (const dashboard of dashboards) {
      expect(dashboard.templating.list[0]).toMatchObject({ name: "datasource", type: "datasource", query: "prometheus" });
    }
    for (const { dashboard, panel } of dataPanels) {
      expect(panel.datasource.uid, `${dashboard}: ${panel.title}`).toBe("${datasource}");
      for (const target of panel.targets) expect(target.datasource.uid).toBe("${datasource}");
    }
    const bot = dashboards.find((d) => d.uid === "trading-bot")!.templating.list.find((v) => v.name === "bot");
    expect(bot).toMatchObject({ type: "query", query: { query: "label_values(trading_equity, bot)" }, multi: false });
  });

  it("give every panel a known unit, and the right one for ratios, seconds, bytes and money", () => {
    for (const { dashboard, panel } of dataPanels) {
      const unit = panel.fieldConfig.defaults.unit;
      expect(KNOWN_UNITS.has(unit), `${dashboard}: "${panel.title}" has unit ${unit}`).toBe(true);
      for (const target of panel.targets) {
        const bare = /^([a-z_]+)\{[^}]*\}$/.exec(target.expr)?.[1];
        if (bare && METRIC_UNITS[bare]) expect(unit, `${dashboard}: "${panel.title}" shows ${bare}`).toBe(METRIC_UNITS[bare]);
      }
    }
  });

  it("use counters only inside rate(), irate() or increase()", () => {
    expect(countersOutsideRate("sum(trading_trades_total)")).toEqual(["trading_trades_total"]);
    expect(countersOutsideRate('sum by (bot) (rate(trading_trades_total{bot="x_total"}[5m]))')).toEqual([]);
    for (const query of allPanelQueries()) {
      expect(countersOutsideRate(query.expr), `${query.dashboard}: "${query.panel}": ${query.expr}`).toEqual([]);
    }
  });

  it("draw alert-threshold lines from trading_alert_threshold for every thresholded trigger", () => {
    const botQueries = allPanelQueries()
      .filter((q) => q.dashboard === "trading-bot")
      .map((q) => q.expr);
    for (const trigger of ["daily_drawdown", "weekly_drawdown", "total_drawdown", "consecutive_losses", "low_win_rate"]) {
      expect(botQueries, trigger).toContain(`trading_alert_threshold{bot="$bot", trigger="${trigger}"}`);
    }
    const dashed = dataPanels.filter(({ panel }) => panel.fieldConfig.overrides.some((o) => o.matcher.id === "byFrameRefID"));
    expect(dashed.length).toBeGreaterThanOrEqual(6);
  });

  it("cover every §9 series a person would look at", () => {
    const exprs = allPanelQueries().map((q) => q.expr);
    const missing = SECTION_9_SERIES.filter((name) => !exprs.some((expr) => new RegExp(`(^|[^\\w])${name}([^\\w]|$)`).test(expr)));
    expect(missing).toEqual([]);
  });

  it("substituteDashboardVariables resolves the variables the dashboards use and rejects unknown ones", () => {
    expect(substituteDashboardVariables('rate(x{bot="$bot", job=~"$job"}[$__rate_interval])', { bot: "alpha" })).toBe(
      'rate(x{bot="alpha", job=~"trading-exporter"}[5m])',
    );
    expect(() => substituteDashboardVariables('x{a="$mystery"}', { bot: "alpha" })).toThrow(/\$mystery/);
  });
});

describe.skipIf(promtool.skipReason)("dashboard queries with Prometheus's parser", () => {
  const dir = mkdtempSync(join(tmpdir(), "trading-dashboards-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("every panel query parses as PromQL (as a recording rule checked by promtool)", async () => {
    const queries = allPanelQueries();
    expect(queries.length).toBeGreaterThan(50);
    const rules = queries.map((query, index) => ({
      record: `dashboard_query_${index}`,
      expr: substituteDashboardVariables(query.expr, { bot: "alpha", range: "2m" }),
    }));
    const file = join(dir, "dashboard-queries.yml");
    writeFileSync(file, stringify({ groups: [{ name: "dashboard-queries", rules }] }));
    const result = await run(promtool.path!, ["check", "rules", file]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it("promtool rejects a broken query (the parse check can fail)", async () => {
    const file = join(dir, "broken.yml");
    writeFileSync(file, stringify({ groups: [{ name: "broken", rules: [{ record: "broken", expr: "sum by (bot (trading_equity)" }] }] }));
    const result = await run(promtool.path!, ["check", "rules", file]);
    expect(result.code).not.toBe(0);
  });
});
