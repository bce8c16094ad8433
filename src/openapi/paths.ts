// `paths` of the OpenAPI document: every route of §8. Bodies and answers point at the generated
// components (./components.ts); this file only says which route takes and gives what.
import { TRIGGER_IDS } from "../domain/trigger-defaults.js";
import { EQUITY_HISTORY_POINTS } from "../domain/equity-history.js";
import { MAX_BATCH_EVENTS } from "../domain/events.js";
import { json, operation, ref } from "./operation.js";
import { botParam, format, historyParams, timeBound } from "./parameters.js";

const KEPT = EQUITY_HISTORY_POINTS.toLocaleString("en-US");

export function apiPaths(): Record<string, Record<string, unknown>> {
  return {
    "/api/v1/metrics/realtime": {
      get: operation({
        id: "getRealtimeMetrics",
        summary: "Performance figures of every bot (§5) as of now",
        tag: "metrics",
        access: "read",
        params: [botParam("Only this bot (404 when unknown)")],
        ok: { description: "Per-bot performance snapshots; undefined figures are null", content: json("RealtimeResponse") },
        problems: [404],
      }),
    },
    "/api/v1/groups/realtime": {
      get: operation({
        id: "getGroupsRealtime",
        summary: "Fleet figures of every configured group (§19) as of now",
        tag: "metrics",
        access: "read",
        ok: {
          description: "Per-group figures over the members' summed equity; undefined figures are null",
          content: json("GroupsRealtimeResponse"),
        },
      }),
    },
    "/api/v1/health/status": {
      get: operation({
        id: "getHealthStatus",
        summary: "Health level per bot and overall (§6)",
        tag: "health",
        access: "read",
        params: [botParam("Only this bot (404 when unknown)")],
        ok: { description: "Levels with human-readable reasons", content: json("HealthStatusResponse") },
        problems: [404],
      }),
    },
    "/api/v1/health/safety": {
      get: operation({
        id: "getSafety",
        summary: "Safety controls per bot: kill switch, circuit breaker, positions, exchange API",
        tag: "health",
        access: "read",
        params: [botParam("Only this bot (404 when unknown)")],
        ok: { description: "Per-bot safety state", content: json("SafetyResponse") },
        problems: [404],
      }),
    },
    "/api/v1/alerts/test": {
      post: operation({
        id: "sendTestAlert",
        summary: "Send a test message through the configured, enabled channels",
        tag: "alerts",
        access: "signed",
        body: { ref: "AlertTestRequest", required: false },
        ok: { description: "One result per channel tried", content: json("AlertTestResponse") },
        problems: [422, 429],
      }),
    },
    "/api/v1/digests/test": {
      post: operation({
        id: "sendTestDigest",
        summary: "Send a digest of the period so far now (§19), one attempt on each channel",
        tag: "alerts",
        access: "signed",
        description:
          "`kind` (daily or weekly) picks the schedule whose period it reports; `channel` all sends on the digest's channels " +
          "(`digests.<kind>.channels`, or every enabled one), a name on that configured channel. It counts for no period.",
        body: { ref: "DigestTestRequest", required: false },
        ok: { description: "One result per channel tried", content: json("DigestTestResponse") },
        problems: [422, 429],
      }),
    },
    "/api/v1/alerts/history": {
      get: operation({
        id: "getAlertHistory",
        summary: "Alert records, newest first (§7)",
        tag: "alerts",
        access: "read",
        params: historyParams(),
        ok: { description: "Alert records", content: json("AlertHistoryResponse") },
        problems: [422],
      }),
    },
    "/api/v1/alerts/{id}/ack": {
      post: operation({
        id: "acknowledgeAlert",
        summary: "Acknowledge an alert",
        tag: "alerts",
        access: "signed",
        params: [{ name: "id", in: "path", required: true, description: "Alert record id", schema: { type: "string" } }],
        body: { ref: "AckRequest", required: false },
        ok: { description: "The acknowledged record", content: json("AlertRecord") },
        problems: [404, 422],
      }),
    },
    "/api/v1/alerts/triggers": {
      get: operation({
        id: "getTriggers",
        summary: "Effective trigger settings per bot (config file and run-time changes merged) and per group",
        tag: "alerts",
        access: "read",
        ok: { description: "One row per (bot, trigger) and per (group, drawdown trigger)", content: json("TriggerTableResponse") },
      }),
    },
    "/api/v1/alerts/triggers/{trigger}": {
      put: operation({
        id: "setTrigger",
        summary: "Change a trigger's settings at run time, for every bot or one",
        tag: "alerts",
        access: "signed",
        description: "Validated like the config file, persisted, and applied at once.",
        params: [
          {
            name: "trigger",
            in: "path",
            required: true,
            description: "Trigger id (§7)",
            schema: { type: "string", enum: [...TRIGGER_IDS] },
          },
        ],
        body: { ref: "TriggerPatch", required: true },
        ok: { description: "The stored override and the settings now in effect", content: json("TriggerChangeResponse") },
        problems: [404, 422],
      }),
    },
    "/api/v1/events": {
      post: operation({
        id: "postEvents",
        summary: "Send events (§3)",
        tag: "ingestion",
        access: "signed",
        description: `One event or an array (at most ${MAX_BATCH_EVENTS} events, 5 MiB). A batch is atomic: if any event is invalid nothing is applied and \`errors\` lists every bad field. Acknowledged only after it is durably stored; a trade already applied for its (bot, id) is counted as a duplicate.`,
        body: { ref: "EventsBody", required: true },
        ok: { description: "Stored and applied", content: json("IngestResult") },
        problems: [422, 503],
      }),
    },
    "/api/v1/trades": {
      post: operation({
        id: "postTrades",
        summary: "Send trades: like /api/v1/events with `type` defaulting to `trade`",
        tag: "ingestion",
        access: "signed",
        body: { ref: "TradesBody", required: true },
        ok: { description: "Stored and applied", content: json("IngestResult") },
        problems: [422, 503],
      }),
    },
    "/api/v1/export/trades": {
      get: operation({
        id: "exportTrades",
        summary: "The applied trades the journal holds (all, unless retention_days removed old ones), streamed, oldest first",
        tag: "export",
        access: "read",
        params: [botParam("Only this bot"), timeBound("from"), timeBound("to"), format],
        ok: {
          description: "A JSON array or CSV with a header row",
          content: {
            "application/json": { schema: { type: "array", items: ref("ExportedTrade") } },
            "text/csv": { schema: { type: "string", description: "Columns: ts, bot, id, symbol, side, pnl, return, opened_at" } },
          },
        },
        problems: [400],
      }),
    },
    "/api/v1/export/equity": {
      get: operation({
        id: "exportEquity",
        summary: `A bot's equity curve with drawdown for charts, from the exporter's memory (at most ${KEPT} points kept per bot)`,
        tag: "export",
        access: "read",
        params: [
          botParam("The bot", true),
          timeBound("from"),
          timeBound("to"),
          format,
          {
            name: "max_points",
            in: "query",
            description: `Downsample to at most this many points (no more than the ${KEPT} the exporter keeps per bot)`,
            schema: { type: "integer", minimum: 10, maximum: 100_000, default: 1000 },
          },
        ],
        ok: {
          description: "Curve points",
          content: {
            "application/json": { schema: ref("EquityCurveResponse") },
            "text/csv": { schema: { type: "string", description: "Columns: ts, equity, drawdown" } },
          },
        },
        problems: [400],
      }),
    },
    "/api/v1/openapi.json": {
      get: operation({
        id: "getOpenApi",
        summary: "This document",
        tag: "meta",
        access: "read",
        ok: { description: "OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } },
      }),
    },
    "/healthz": {
      get: operation({
        id: "getLiveness",
        summary: "Liveness",
        tag: "meta",
        access: "open",
        ok: { description: "The process answers", content: json("LivenessResponse") },
      }),
    },
    "/readyz": {
      get: operation({
        id: "getReadiness",
        summary: "Readiness: store open, taking writes and with room, state restored",
        tag: "meta",
        access: "open",
        ok: { description: "Ready", content: json("ReadinessResponse") },
        more: {
          "503": {
            description:
              "Not ready; `reasons` says why (e.g. `storage: journal writes failing: SQLITE_FULL`). Reads are still served (§15)",
            content: json("ReadinessResponse"),
          },
        },
      }),
    },
    "/metrics": {
      get: operation({
        id: "getPrometheusMetrics",
        summary: "Prometheus exposition (§9)",
        tag: "meta",
        access: "read",
        description: "Prometheus text format, or OpenMetrics when the scraper asks for it in `Accept`.",
        ok: {
          description: "Metrics",
          content: {
            "text/plain; version=0.0.4": { schema: { type: "string" } },
            "application/openmetrics-text; version=1.0.0": { schema: { type: "string" } },
          },
        },
      }),
    },
    "/": {
      get: operation({
        id: "getDashboard",
        summary: "Landing page and live dashboard (§13)",
        tag: "meta",
        access: "open",
        ok: { description: "HTML page", content: { "text/html": { schema: { type: "string" } } } },
      }),
    },
  };
}
