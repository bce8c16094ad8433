// A zod schema of the parts of Grafana's dashboard JSON model (schemaVersion 39, Grafana 10.x) the
// bundle uses, stricter than Grafana's own model (which grafana-schema.test.ts checks with @grafana/schema):
// it pins what this bundle must write (Prometheus data sources, refIds, the 24-column grid, row shape)
// where Grafana's types accept any string or any panel; fields Grafana defaults are optional.
import { z } from "zod";

const datasourceRef = z.object({ type: z.literal("prometheus"), uid: z.string().min(1) }).strict();

const gridPos = z
  .object({
    x: z.number().int().min(0).max(23),
    y: z.number().int().min(0),
    w: z.number().int().min(1).max(24),
    h: z.number().int().min(1),
  })
  .strict()
  .refine((pos) => pos.x + pos.w <= 24, "panel overflows the 24-column grid");

const target = z
  .object({
    refId: z.string().regex(/^[A-Z]$/),
    datasource: datasourceRef,
    expr: z.string().min(1),
    legendFormat: z.string(),
    range: z.boolean(),
    instant: z.boolean(),
    format: z.enum(["time_series", "table"]),
  })
  .strict();

const thresholds = z.object({
  mode: z.literal("absolute"),
  steps: z.array(z.object({ color: z.string(), value: z.number().nullable() })).min(1),
});

const fieldConfig = z
  .object({
    defaults: z
      .object({
        unit: z.string().min(1),
        decimals: z.number().int().min(0).optional(),
        min: z.number().optional(),
        max: z.number().optional(),
        color: z.object({ mode: z.string() }).optional(),
        mappings: z
          .array(
            z.object({
              type: z.literal("value"),
              options: z.record(z.string(), z.object({ text: z.string(), color: z.string(), index: z.number() })),
            }),
          )
          .optional(),
        thresholds: thresholds.optional(),
        links: z.array(z.object({ title: z.string(), url: z.string() })).optional(),
        custom: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    overrides: z.array(
      z.object({
        matcher: z.object({ id: z.string(), options: z.string() }),
        properties: z.array(z.object({ id: z.string(), value: z.unknown() })),
      }),
    ),
  })
  .strict();

const dataPanel = z
  .object({
    id: z.number().int().positive(),
    type: z.enum(["timeseries", "stat", "state-timeline", "table"]),
    title: z.string().min(1),
    description: z.string().min(1),
    gridPos,
    datasource: datasourceRef,
    targets: z.array(target).min(1),
    fieldConfig,
    options: z.record(z.string(), z.unknown()),
    transformations: z.array(z.object({ id: z.string(), options: z.record(z.string(), z.unknown()) })).optional(),
  })
  .strict();

const rowPanel = z
  .object({
    id: z.number().int().positive(),
    type: z.literal("row"),
    title: z.string().min(1),
    gridPos,
    collapsed: z.literal(false),
    panels: z.array(z.never()),
  })
  .strict();

export const panelSchema = z.discriminatedUnion("type", [
  rowPanel,
  dataPanel.extend({ type: z.literal("timeseries") }),
  dataPanel.extend({ type: z.literal("stat") }),
  dataPanel.extend({ type: z.literal("state-timeline") }),
  dataPanel.extend({ type: z.literal("table") }),
]);

const variable = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("datasource"),
      name: z.string(),
      label: z.string(),
      hide: z.literal(0),
      query: z.literal("prometheus"),
      current: z.object({ text: z.string(), value: z.string() }).passthrough(),
    })
    .passthrough(),
  z
    .object({
      type: z.literal("query"),
      name: z.string(),
      label: z.string(),
      hide: z.literal(0),
      datasource: datasourceRef,
      query: z.object({ query: z.string(), refId: z.string() }).passthrough(),
      refresh: z.union([z.literal(1), z.literal(2)]),
      multi: z.boolean(),
      includeAll: z.boolean(),
    })
    .passthrough(),
]);

export const dashboardSchema = z
  .object({
    uid: z.string().regex(/^[a-z0-9-]{1,40}$/),
    title: z.string().min(1),
    description: z.string(),
    tags: z.array(z.string()),
    schemaVersion: z.literal(39),
    version: z.number().int(),
    editable: z.boolean(),
    graphTooltip: z.number().int().min(0).max(2),
    time: z.object({ from: z.string(), to: z.string() }).strict(),
    refresh: z.string(),
    timezone: z.string(),
    links: z.array(z.record(z.string(), z.unknown())),
    annotations: z.object({ list: z.array(z.record(z.string(), z.unknown())) }).strict(),
    templating: z.object({ list: z.array(variable) }).strict(),
    panels: z.array(panelSchema).min(1),
  })
  .strict();
