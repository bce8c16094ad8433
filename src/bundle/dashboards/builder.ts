// A tiny dashboard builder: panels are described by what they show (title, unit, queries) and laid out
// left to right on Grafana's 24-column grid, rows starting on a new line. Ids are assigned in order, so
// the generated JSON is stable as long as the panel list is.
import {
  DATASOURCE,
  SCHEMA_VERSION,
  type Dashboard,
  type DatasourceVariable,
  type DataPanel,
  type DataPanelType,
  type FieldConfig,
  type Panel,
  type QueryVariable,
  type Target,
  type Variable,
} from "./model.js";

export interface QuerySpec {
  expr: string;
  legend?: string;
  /** Draw this series as a dashed red alert-threshold line. */
  threshold?: boolean;
  /** Instant query (tables and "current value" stats). */
  instant?: boolean;
}

export interface PanelSpec {
  type?: DataPanelType;
  title: string;
  description: string;
  unit: string;
  queries: QuerySpec[];
  width?: number;
  height?: number;
  decimals?: number;
  min?: number;
  max?: number;
  /** Value → text/colour, for state panels (e.g. 0 → "off" green, 1 → "on" red). */
  states?: { value: number; text: string; color: string }[];
  /** Stat colouring: steps from low to high values. */
  steps?: { color: string; value: number | null }[];
  links?: { title: string; url: string }[];
  /** Table panels: hide these columns (Prometheus's Time, __name__, ...). */
  hideColumns?: string[];
  /** Table panels: show several queries as one table joined on their labels, columns renamed. */
  mergeAs?: Record<string, string>;
}

const GRID_WIDTH = 24;

/** Grafana's link to the per-bot dashboard, keeping the time range and the data source. */
export const BOT_DASHBOARD_LINK = {
  title: "Open the bot's dashboard",
  url: "/d/trading-bot/trading-bot?var-bot=${__field.labels.bot}&var-datasource=${datasource}&${__url_time_range}",
};

export class DashboardBuilder {
  private readonly panels: Panel[] = [];
  private x = 0;
  private y = 0;
  private lineHeight = 0;

  constructor(private readonly meta: { uid: string; title: string; description: string; variables: Variable[] }) {}

  row(title: string): this {
    this.newLine();
    this.panels.push({
      id: this.panels.length + 1,
      type: "row",
      title,
      gridPos: { x: 0, y: this.y, w: GRID_WIDTH, h: 1 },
      collapsed: false,
      panels: [],
    });
    this.y += 1;
    return this;
  }

  add(spec: PanelSpec): this {
    const w = spec.width ?? 12;
    const h = spec.height ?? 8;
    if (this.x + w > GRID_WIDTH) this.newLine();
    this.panels.push(dataPanel(this.panels.length + 1, spec, { x: this.x, y: this.y, w, h }));
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
    return this;
  }

  build(): Dashboard {
    return {
      uid: this.meta.uid,
      title: this.meta.title,
      description: this.meta.description,
      tags: ["trading-exporter", "trading"],
      schemaVersion: SCHEMA_VERSION,
      version: 1,
      editable: true,
      graphTooltip: 1,
      time: { from: "now-24h", to: "now" },
      refresh: "30s",
      timezone: "browser",
      links: [
        {
          type: "dashboards",
          title: "Trading dashboards",
          tags: ["trading-exporter"],
          asDropdown: false,
          icon: "external link",
          includeVars: true,
          keepTime: true,
          targetBlank: false,
          tooltip: "",
        },
      ],
      annotations: {
        list: [
          {
            builtIn: 1,
            datasource: { type: "grafana", uid: "-- Grafana --" },
            enable: true,
            hide: true,
            iconColor: "rgba(0, 211, 255, 1)",
            name: "Annotations & Alerts",
            type: "dashboard",
          },
        ],
      },
      templating: { list: this.meta.variables },
      panels: this.panels,
    };
  }

  private newLine(): void {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}

function dataPanel(id: number, spec: PanelSpec, gridPos: DataPanel["gridPos"]): DataPanel {
  const type = spec.type ?? "timeseries";
  const targets: Target[] = spec.queries.map((query, index) => ({
    refId: String.fromCharCode(65 + index),
    datasource: DATASOURCE,
    expr: query.expr,
    legendFormat: query.legend ?? "__auto",
    range: !(query.instant ?? type === "table"),
    instant: query.instant ?? type === "table",
    format: type === "table" ? "table" : "time_series",
  }));
  const panel: DataPanel = {
    id,
    type,
    title: spec.title,
    description: spec.description,
    gridPos,
    datasource: DATASOURCE,
    targets,
    fieldConfig: fieldConfig(spec, targets),
    options: options(type),
  };
  if (spec.hideColumns || spec.mergeAs) {
    panel.transformations = [
      ...(spec.mergeAs ? [{ id: "merge", options: {} }] : []),
      {
        id: "organize",
        options: {
          excludeByName: Object.fromEntries((spec.hideColumns ?? []).map((column) => [column, true])),
          renameByName: spec.mergeAs ?? {},
        },
      },
    ];
  }
  return panel;
}

function fieldConfig(spec: PanelSpec, targets: Target[]): FieldConfig {
  const defaults: FieldConfig["defaults"] = { unit: spec.unit };
  if (spec.decimals !== undefined) defaults.decimals = spec.decimals;
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  if (spec.links) defaults.links = spec.links;
  if (spec.states) {
    defaults.mappings = [
      {
        type: "value",
        options: Object.fromEntries(
          spec.states.map((state, index) => [String(state.value), { text: state.text, color: state.color, index }]),
        ),
      },
    ];
    defaults.color = { mode: "thresholds" };
    defaults.thresholds = {
      mode: "absolute",
      steps: spec.states.map((state, index) => ({ color: state.color, value: index === 0 ? null : state.value })),
    };
  } else if (spec.steps) {
    defaults.color = { mode: "thresholds" };
    defaults.thresholds = { mode: "absolute", steps: spec.steps };
  }
  if ((spec.type ?? "timeseries") === "timeseries") {
    defaults.custom = { drawStyle: "line", lineWidth: 1, fillOpacity: 10, showPoints: "never", spanNulls: false };
  }
  const overrides: FieldConfig["overrides"] = spec.queries.flatMap((query, index) =>
    query.threshold
      ? [
          {
            matcher: { id: "byFrameRefID", options: targets[index]!.refId },
            properties: [
              { id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } },
              { id: "custom.fillOpacity", value: 0 },
              { id: "color", value: { mode: "fixed", fixedColor: "red" } },
            ],
          },
        ]
      : [],
  );
  return { defaults, overrides };
}

function options(type: DataPanelType): Record<string, unknown> {
  switch (type) {
    case "timeseries":
      return {
        legend: { displayMode: "list", placement: "bottom", showLegend: true },
        tooltip: { mode: "multi", sort: "desc" },
      };
    case "stat":
      return {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        colorMode: "value",
        graphMode: "area",
        justifyMode: "auto",
        textMode: "auto",
        orientation: "auto",
      };
    case "state-timeline":
      return {
        showValue: "auto",
        mergeValues: true,
        rowHeight: 0.9,
        alignValue: "left",
        legend: { displayMode: "list", placement: "bottom", showLegend: true },
        tooltip: { mode: "single", sort: "none" },
      };
    case "table":
      return { showHeader: true, cellHeight: "sm", footer: { show: false, reducer: ["sum"], fields: "" } };
  }
}

export function datasourceVariable(): DatasourceVariable {
  return {
    name: "datasource",
    label: "Data source",
    type: "datasource",
    hide: 0,
    query: "prometheus",
    refresh: 1,
    regex: "",
    current: { selected: false, text: "Prometheus", value: "prometheus" },
    options: [],
  };
}

/** A variable listing the values of `label` on `metric` (label_values), refreshed with the time range. */
export function labelVariable(opts: { name: string; label: string; metric: string; multi: boolean }): QueryVariable {
  // No `definition` (the editor's display copy of the query): Grafana's dashboard schema has no such
  // field, and the variable runs from `query` alone.
  const labelValues = `label_values(${opts.metric}, ${opts.name})`;
  return {
    name: opts.name,
    label: opts.label,
    type: "query",
    hide: 0,
    datasource: DATASOURCE,
    query: { qryType: 1, query: labelValues, refId: "PrometheusVariableQueryEditor-VariableQuery" },
    refresh: 2,
    regex: "",
    sort: 1,
    multi: opts.multi,
    includeAll: opts.multi,
    ...(opts.multi ? { allValue: ".+", current: { selected: true, text: ["All"], value: ["$__all"] } } : {}),
    options: [],
  };
}
