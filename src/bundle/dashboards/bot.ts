// "Trading bot": everything about one bot (`$bot`), linked from the alerts' `dashboard` annotation.
import { addPerformancePanels } from "./bot-performance.js";
import { addSafetyPanels } from "./bot-safety.js";
import { addStatisticsPanels } from "./bot-statistics.js";
import { DashboardBuilder, datasourceVariable, labelVariable } from "./builder.js";
import type { Dashboard } from "./model.js";

export function botDashboard(): Dashboard {
  const builder = new DashboardBuilder({
    uid: "trading-bot",
    title: "Trading bot",
    description: "One bot in depth: equity, drawdowns against their alert thresholds, trade quality and statistics, safety and alerts.",
    variables: [datasourceVariable(), labelVariable({ name: "bot", label: "Bot", metric: "trading_equity", multi: false })],
  });
  return addSafetyPanels(addStatisticsPanels(addPerformancePanels(builder))).build();
}
