// Compile-time conformance of the dashboard builder to Grafana's own dashboard model (@grafana/schema,
// generated from Grafana's CUE schema). Not a test file: `npm test` type-checks it (tsc -p tsconfig.json,
// which includes test/), and test/bundle/grafana-schema.test.ts compiles it again so that
// `npx vitest run test/bundle` fails on it too. If the builder's output type (src/bundle/dashboards/model.ts)
// drifts from Grafana's model, the assignments below stop compiling and tsc says which field is wrong.
import type { Dashboard, DataPanel, RowPanel, Variable } from "../../src/bundle/dashboards/model.js";
import type { GrafanaDashboard, GrafanaPanel, GrafanaRowPanel, GrafanaVariable, JsonOf } from "./helpers/grafana-json.js";

// The whole dashboard, then its parts (so an error names the part).
export const dashboardConforms = (dashboard: Dashboard): JsonOf<GrafanaDashboard> => dashboard;
export const dataPanelConforms = (panel: DataPanel): JsonOf<GrafanaPanel> => panel;
export const rowPanelConforms = (row: RowPanel): JsonOf<GrafanaRowPanel> => row;
export const variableConforms = (variable: Variable): JsonOf<GrafanaVariable> => variable;

// The check can fail: each of these is wrong and must stay a compile error (@ts-expect-error fails the
// build if it is not).
export const wrongValues: JsonOf<GrafanaDashboard>[] = [
  // @ts-expect-error gridPos.h is a number in Grafana's model, not a string
  { schemaVersion: 39, panels: [{ type: "timeseries", gridPos: { x: 0, y: 0, w: 12, h: "8" } }] },
  // @ts-expect-error a panel's datasource is a reference object, not a number
  { schemaVersion: 39, panels: [{ type: "timeseries", datasource: 3 }] },
  // @ts-expect-error graphTooltip is 0, 1 or 2 (DashboardCursorSync)
  { schemaVersion: 39, graphTooltip: 7 },
  // @ts-expect-error schemaVersion is required
  { title: "no schema version" },
];
type HeightAsString = Omit<DataPanel, "gridPos"> & { gridPos: { x: number; y: number; w: number; h: string } };
// @ts-expect-error a builder type whose gridPos height is a string does not conform
export const wrongType = (panel: HeightAsString): JsonOf<GrafanaPanel> => panel;
