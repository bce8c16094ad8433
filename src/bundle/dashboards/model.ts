// The subset of Grafana's dashboard JSON model (schemaVersion 39, Grafana 10.x) this bundle writes.
// Kept deliberately small and exact (no `unknown` where Grafana has a shape): the test suite checks that
// this type, and the JSON written from it, conform to Grafana's own dashboard types from @grafana/schema
// (test/bundle/grafana-schema-conformance.ts, test/bundle/grafana-schema.test.ts). This file does not
// import them because @grafana/schema is a devDependency and src/ is published.

export const SCHEMA_VERSION = 39;

export interface DatasourceRef {
  type: "prometheus";
  uid: string;
}

/** Panels query whatever the `datasource` variable points at; the provisioned one has uid `prometheus`. */
export const DATASOURCE: DatasourceRef = { type: "prometheus", uid: "${datasource}" };

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

// A type alias, not an interface: Grafana types a panel's targets as Record<string, unknown> (each data
// source has its own query shape), and only object type aliases are assignable to an index signature.
export type Target = {
  refId: string;
  datasource: DatasourceRef;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
  format: "time_series" | "table";
};

/** Value → text/colour (Grafana's ValueMap, `type: "value"`). */
export interface ValueMapping {
  type: "value";
  options: Record<string, { text: string; color: string; index: number }>;
}

export interface FieldConfig {
  defaults: {
    unit: string;
    decimals?: number;
    min?: number;
    max?: number;
    color?: { mode: "thresholds" };
    mappings?: ValueMapping[];
    thresholds?: { mode: "absolute"; steps: { color: string; value: number | null }[] };
    links?: { title: string; url: string }[];
    custom?: Record<string, unknown>;
  };
  overrides: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
}

export type DataPanelType = "timeseries" | "stat" | "state-timeline" | "table";

export interface DataPanel {
  id: number;
  type: DataPanelType;
  title: string;
  description: string;
  gridPos: GridPos;
  datasource: DatasourceRef;
  targets: Target[];
  fieldConfig: FieldConfig;
  options: Record<string, unknown>;
  transformations?: { id: string; options: Record<string, unknown> }[];
}

export interface RowPanel {
  id: number;
  type: "row";
  title: string;
  gridPos: GridPos;
  collapsed: false;
  panels: [];
}

export type Panel = DataPanel | RowPanel;

/** A selected variable value (`current`). */
export interface VariableOption {
  selected: boolean;
  text: string | string[];
  value: string | string[];
}

interface VariableBase {
  name: string;
  label: string;
  /** 0: show label and value. */
  hide: 0;
  regex: string;
  current?: VariableOption;
  options: VariableOption[];
}

/** Lets the viewer pick any Prometheus data source. */
export interface DatasourceVariable extends VariableBase {
  type: "datasource";
  /** The data source plugin type offered. */
  query: "prometheus";
  /** 1: on dashboard load. */
  refresh: 1;
}

/** Values of a label, from the Prometheus data source's variable query editor. */
export interface QueryVariable extends VariableBase {
  type: "query";
  datasource: DatasourceRef;
  /** qryType 1 = label values; Grafana's query editor for Prometheus variables stores this object. */
  query: { qryType: 1; query: string; refId: string };
  /** 2: when the time range changes. */
  refresh: 2;
  /** 1: alphabetical, ascending. */
  sort: 1;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
}

export type Variable = DatasourceVariable | QueryVariable;

/** The dashboard's link bar: every dashboard tagged `trading-exporter`. */
export interface DashboardLink {
  type: "dashboards";
  title: string;
  tags: string[];
  asDropdown: boolean;
  icon: string;
  includeVars: boolean;
  keepTime: boolean;
  targetBlank: boolean;
  tooltip: string;
}

/** Grafana's built-in "Annotations & Alerts" query. */
export interface AnnotationQuery {
  builtIn: 1;
  datasource: { type: "grafana"; uid: "-- Grafana --" };
  enable: boolean;
  hide: boolean;
  iconColor: string;
  name: string;
  type: "dashboard";
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  schemaVersion: number;
  version: number;
  editable: boolean;
  /** 0 off, 1 shared crosshair, 2 shared tooltip. */
  graphTooltip: 0 | 1 | 2;
  time: { from: string; to: string };
  refresh: string;
  timezone: string;
  links: DashboardLink[];
  annotations: { list: AnnotationQuery[] };
  templating: { list: Variable[] };
  panels: Panel[];
}
