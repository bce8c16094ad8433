// The observability bundle (§14) as code: Prometheus rules and Grafana dashboards.
export { renderRules, DEFAULT_GRAFANA_URL, type RenderRulesOptions } from "./rules.js";
export { ALERTS, type AlertDefinition } from "./alert-catalog.js";
export {
  renderDashboards,
  allPanelQueries,
  substituteDashboardVariables,
  type PanelQuery,
  type DashboardVariableValues,
} from "./dashboards/index.js";
export { bundleFiles, type GeneratedFile } from "./files.js";
