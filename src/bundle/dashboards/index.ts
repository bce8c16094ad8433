// The three provisioned Grafana dashboards of §14 and the list of every query they run.
import { botDashboard } from "./bot.js";
import { exporterDashboard } from "./exporter.js";
import type { Dashboard } from "./model.js";
import { overviewDashboard } from "./overview.js";

export type { Dashboard } from "./model.js";

export function renderDashboards(): Dashboard[] {
  return [overviewDashboard(), botDashboard(), exporterDashboard()];
}

export interface PanelQuery {
  /** Dashboard uid. */
  dashboard: string;
  /** Panel title. */
  panel: string;
  /** The PromQL as stored in the dashboard, with Grafana variables ($bot, $job, $__rate_interval...). */
  expr: string;
}

/** Every query of every panel, in dashboard order (for tests that run them against a real Prometheus). */
export function allPanelQueries(): PanelQuery[] {
  return renderDashboards().flatMap((dashboard) =>
    dashboard.panels.flatMap((panel) =>
      panel.type === "row" ? [] : panel.targets.map((target) => ({ dashboard: dashboard.uid, panel: panel.title, expr: target.expr })),
    ),
  );
}

export interface DashboardVariableValues {
  /** A bot name; used for `$bot` (also inside `=~"$bot"`, where a plain name is a valid regex). */
  bot: string;
  /** A scrape job name, for `$job`. Default `trading-exporter`. */
  job?: string;
  /** Range for `$__rate_interval` / `$__interval` / `$__range`. Default `5m`. */
  range?: string;
}

/**
 * Replaces the Grafana variables the dashboards use with concrete values, giving plain PromQL that
 * Prometheus (or promtool) accepts. Throws on a variable it does not know, so a new one can't slip by.
 */
export function substituteDashboardVariables(expr: string, values: DashboardVariableValues): string {
  const range = values.range ?? "5m";
  const known: Record<string, string> = {
    bot: values.bot,
    job: values.job ?? "trading-exporter",
    __rate_interval: range,
    __interval: range,
    __range: range,
  };
  return expr.replace(/\$\{?(\w+)\}?/g, (match, name: string) => {
    const value = known[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${match} in ${expr}`);
    return value;
  });
}
