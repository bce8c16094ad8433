// The subset of Grafana's dashboard JSON model (schemaVersion 39, Grafana 10.x) this bundle writes.
// Kept deliberately small: test/bundle/dashboards.test.ts validates the output against a zod schema of
// exactly these parts.

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

export interface Target {
  refId: string;
  datasource: DatasourceRef;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
  format: "time_series" | "table";
}

export interface FieldConfig {
  defaults: {
    unit: string;
    decimals?: number;
    min?: number;
    max?: number;
    color?: Record<string, unknown>;
    mappings?: unknown[];
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
  transformations?: unknown[];
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

export interface Variable {
  name: string;
  label: string;
  type: "datasource" | "query";
  hide: 0;
  [key: string]: unknown;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  schemaVersion: number;
  version: number;
  editable: boolean;
  graphTooltip: number;
  time: { from: string; to: string };
  refresh: string;
  timezone: string;
  links: unknown[];
  annotations: { list: unknown[] };
  templating: { list: Variable[] };
  panels: Panel[];
}
