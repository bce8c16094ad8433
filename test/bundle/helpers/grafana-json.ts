// Grafana's own dashboard model, as published in @grafana/schema: the types generated from the CUE schema
// of the classic (v1, schemaVersion 39+) dashboard JSON. The bundle's dashboards are checked against it.
//
// Grafana's generated types use TypeScript enums (MappingType.ValueToText, DashboardCursorSync.Crosshair...)
// while a dashboard file holds their plain values ("value", 1). JsonOf<T> is the JSON form of T: every enum
// member becomes its literal value, nothing else is relaxed (no `any`, no optional-ising), so what is not
// a valid Grafana dashboard stays a type error.
export type {
  Dashboard as GrafanaDashboard,
  Panel as GrafanaPanel,
  RowPanel as GrafanaRowPanel,
  VariableModel as GrafanaVariable,
} from "@grafana/schema/dist/esm/raw/dashboard/x/Dashboard_types.gen";

/** The JSON value of an enum member: string enums give their string, numeric enums their number. */
type JsonScalar<T> = T extends string ? `${T}` : T extends number ? (`${T}` extends `${infer N extends number}` ? N : number) : T;

export type JsonOf<T> = T extends string | number | boolean | null | undefined
  ? JsonScalar<T>
  : T extends object
    ? { [K in keyof T]: JsonOf<T[K]> }
    : T;
