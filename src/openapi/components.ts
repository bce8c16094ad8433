// `components` of the OpenAPI document, generated with zod's `z.toJSONSchema` from the very schemas
// that validate requests (src/domain/events.ts, the trigger override schema of src/domain/trigger-defaults.ts,
// the alert router's body schemas) and the response schemas of ./response-schemas.ts.
import { z } from "zod";
import { botNameField } from "../domain/fields.js";
import { TRIGGER_IDS, triggerOverrideSchema } from "../domain/trigger-defaults.js";
import {
  apiStatusSchema,
  cashflowSchema,
  circuitBreakerSchema,
  equitySchema,
  eventInputSchema,
  heartbeatSchema,
  killSwitchSchema,
  MAX_BATCH_EVENTS,
  positionsSchema,
  timestamp,
  tradeSchema,
} from "../domain/events.js";
import { ackSchema, alertTestSchema } from "../http/alerts-router.js";
import { digestTestSchema } from "../http/digests-router.js";
import * as res from "./response-schemas.js";

export type JsonSchema = Record<string, unknown>;
const REF = (id: string) => `#/components/schemas/${id}`;

/** `/api/v1/trades` also takes a trade without `type` (it defaults to `trade`). */
const tradeWithoutType = tradeSchema.extend({ type: tradeSchema.shape.type.optional() });

const REQUESTS: Record<string, z.ZodType> = {
  Timestamp: timestamp,
  TradeEvent: tradeSchema,
  EquityEvent: equitySchema,
  KillSwitchEvent: killSwitchSchema,
  CircuitBreakerEvent: circuitBreakerSchema,
  PositionsEvent: positionsSchema,
  ApiStatusEvent: apiStatusSchema,
  HeartbeatEvent: heartbeatSchema,
  CashflowEvent: cashflowSchema,
  Event: eventInputSchema,
  TradeInput: tradeWithoutType,
  AlertTestRequest: alertTestSchema,
  AckRequest: ackSchema,
  DigestTestRequest: digestTestSchema,
};

const RESPONSES: Record<string, z.ZodType> = {
  FieldError: res.fieldErrorSchema,
  Problem: res.problemSchema,
  IngestResult: res.ingestResultSchema,
  PerformanceSnapshot: res.performanceSnapshotSchema,
  RealtimeResponse: res.realtimeResponseSchema,
  GroupSnapshot: res.groupSnapshotSchema,
  GroupsRealtimeResponse: res.groupsRealtimeResponseSchema,
  BotHealth: res.botHealthSchema,
  HealthStatusResponse: res.healthStatusResponseSchema,
  BotSafety: res.botSafetySchema,
  SafetyResponse: res.safetyResponseSchema,
  AlertTestResponse: res.alertTestResponseSchema,
  DigestTestResponse: res.alertTestResponseSchema,
  Delivery: res.deliverySchema,
  AlertRecord: res.alertRecordSchema,
  AlertHistoryResponse: res.alertHistoryResponseSchema,
  TriggerRow: res.triggerRowSchema,
  TriggerTableResponse: res.triggerTableResponseSchema,
  TriggerChangeResponse: res.triggerChangeResponseSchema,
  ExportedTrade: res.exportedTradeSchema,
  EquityCurveResponse: res.equityCurveResponseSchema,
  LivenessResponse: res.livenessResponseSchema,
  ReadinessResponse: res.readinessResponseSchema,
};

/**
 * Constraints the event schemas check with `.refine` (which JSON Schema can't see), written out here.
 * test/openapi checks each one against the zod schema, so a change there can't leave this stale.
 */
export const REFINEMENTS: { schema: string; field: string; keyword: "exclusiveMinimum" | "minimum"; value: number }[] = [
  { schema: "EquityEvent", field: "equity", keyword: "exclusiveMinimum", value: 0 },
  { schema: "TradeEvent", field: "return", keyword: "exclusiveMinimum", value: -1 },
  { schema: "TradeInput", field: "return", keyword: "exclusiveMinimum", value: -1 },
  { schema: "ApiStatusEvent", field: "latency_ms", keyword: "minimum", value: 0 },
];

function generate(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { io, target: "draft-2020-12", uri: REF, unrepresentable: "throw" }) as {
    schemas: Record<string, JsonSchema>;
  };
  // Each component is a subschema of the document, not a standalone JSON Schema resource.
  for (const schema of Object.values(out.schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return out.schemas;
}

/**
 * PUT /alerts/triggers/{trigger}: which keys are allowed depends on the trigger (no threshold on
 * on/off triggers, min_trades only on low_win_rate, ranges per trigger), so the body is one branch
 * per distinct override schema, each titled with the triggers it applies to.
 */
function triggerPatchSchema(): JsonSchema {
  const bot = z.toJSONSchema(botNameField(), { target: "draft-2020-12" });
  delete bot.$schema;
  const branches = new Map<string, { ids: string[]; schema: JsonSchema }>();
  for (const id of TRIGGER_IDS) {
    const schema = z.toJSONSchema(triggerOverrideSchema(id), { io: "input", target: "draft-2020-12" }) as JsonSchema;
    delete schema.$schema;
    schema.properties = {
      bot: { ...bot, description: "Only for this bot; omit to change the setting for every bot" },
      ...(schema.properties as object),
    };
    schema.minProperties = 1;
    const key = JSON.stringify(schema);
    const branch = branches.get(key) ?? { ids: [], schema };
    branch.ids.push(id);
    branches.set(key, branch);
  }
  return {
    description:
      "A run-time change of one trigger's settings, validated like the config file's `triggers.<id>` and persisted. " +
      "The keys allowed depend on the trigger in the path.",
    anyOf: [...branches.values()].map(({ ids, schema }) => ({ title: ids.join(", "), ...schema })),
  };
}

export function componentSchemas(): Record<string, JsonSchema> {
  const schemas = { ...generate(REQUESTS, "input"), ...generate(RESPONSES, "output") };
  for (const r of REFINEMENTS) {
    const props = schemas[r.schema]?.properties as Record<string, JsonSchema> | undefined;
    const field = props?.[r.field];
    if (!field) throw new Error(`openapi: ${r.schema}.${r.field} not found`);
    if (field[r.keyword] === undefined) field[r.keyword] = r.value;
  }
  schemas.EventBatch = { type: "array", items: { $ref: REF("Event") }, minItems: 1, maxItems: MAX_BATCH_EVENTS };
  schemas.EventsBody = {
    description: `One event, or an array of up to ${MAX_BATCH_EVENTS} events applied in order and atomically.`,
    anyOf: [{ $ref: REF("Event") }, { $ref: REF("EventBatch") }],
  };
  schemas.TradesBody = {
    description: "Like /api/v1/events, but `type` defaults to `trade`.",
    anyOf: [
      { $ref: REF("TradeInput") },
      { $ref: REF("Event") },
      { type: "array", items: { anyOf: [{ $ref: REF("TradeInput") }, { $ref: REF("Event") }] }, minItems: 1, maxItems: MAX_BATCH_EVENTS },
    ],
  };
  schemas.TriggerPatch = triggerPatchSchema();
  return schemas;
}
