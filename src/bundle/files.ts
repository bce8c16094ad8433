// The list of generated bundle files and their content, shared by scripts/generate-bundle.ts (which
// writes them) and the test that checks the committed copies are current.
import { renderDashboards } from "./dashboards/index.js";
import { renderRules } from "./rules.js";

export interface GeneratedFile {
  /** Path relative to the repository root. */
  path: string;
  content: string;
}

export function bundleFiles(): GeneratedFile[] {
  return [
    { path: "prometheus/rules/trading-alerts.yml", content: renderRules() },
    ...renderDashboards().map((dashboard) => ({
      path: `grafana/dashboards/${dashboard.uid}.json`,
      content: `${JSON.stringify(dashboard, null, 2)}\n`,
    })),
  ];
}
