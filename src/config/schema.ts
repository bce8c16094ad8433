// The configuration schema (§12). Strict everywhere: an unknown key is an error, never
// silently ignored (blackbox_exporter's rule). Every key is optional; the output is fully defaulted.
import { z } from "zod";
import {
  botNameField,
  exclusiveSecret,
  httpUrl,
  int,
  listen,
  nonEmpty,
  positive,
  ratio,
  sharedSecret,
  timeZone,
  webOrigin,
} from "./fields.js";
import { botTriggersSchema, groupTriggersSchema, triggersSchema } from "./triggers.js";
import { digestsSchema } from "./digests.js";
// The registries declare `notifications` and `sources` (the one layer crossing config makes: see docs/architecture.md).
import { notificationsSchema } from "../notify/channels/index.js";
import { sourcesSchema } from "../sources/definitions/index.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export { MIN_SECRET_LENGTH } from "./fields.js";
const path = () => nonEmpty();

const auth = z
  .strictObject({
    hmac_secrets: z.array(sharedSecret(), { error: "must be a list of strings" }).default([]),
    hmac_secrets_file: path().optional(),
    read_token: sharedSecret().optional(),
    read_token_file: path().optional(),
    max_clock_skew_seconds: int(1, 86_400).default(300),
  })
  .superRefine((v, ctx) => {
    if (v.hmac_secrets.length > 0 && v.hmac_secrets_file !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hmac_secrets_file"],
        message: "give either hmac_secrets or hmac_secrets_file, not both",
        params: { noEcho: true },
      });
    }
    exclusiveSecret(["read_token"])(v, ctx);
  })
  .prefault({});

const metrics = z
  .strictObject({
    initial_equity: positive().default(10_000),
    window_trades: int(1, 100_000).default(100),
    annualization_factor: positive().default(365),
    daily_window_days: int(2, 100_000).default(90),
    daily_annualization_factor: positive().default(365),
    timezone: timeZone().default("UTC"),
    cagr_min_days: int(1, 100_000).default(30),
  })
  .prefault({});

const ingest = z
  .strictObject({
    /** §15: an event time further ahead of the exporter's clock is refused. */
    max_future_seconds: int(0, 86_400 * 365).default(300),
  })
  .prefault({});

const storage = z
  .strictObject({
    /** §15: with less free space than this for the data directory, /readyz answers 503 (256 MiB). */
    min_free_bytes: int(0, Number.MAX_SAFE_INTEGER).default(268_435_456),
  })
  .prefault({});

const bot = z.strictObject({
  initial_equity: positive().optional(),
  triggers: botTriggersSchema,
});

const health = z
  .strictObject({
    position_utilization_degraded: ratio().default(0.8),
    stale_after_seconds: int(1).default(600),
  })
  .prefault({});

const apiProbe = z
  .strictObject({
    url: httpUrl().optional(),
    interval_seconds: int(1).default(30),
    timeout_seconds: positive().default(5),
    degraded_latency_ms: int(1).default(1000),
    failures_before_disconnected: int(1).default(3),
    bot: botNameField().optional(),
  })
  .superRefine((v, ctx) => {
    // A probe still waiting when the next one is due would pile up requests.
    if (v.timeout_seconds > v.interval_seconds) {
      ctx.addIssue({ code: "custom", path: ["timeout_seconds"], message: "must not exceed interval_seconds" });
    }
  })
  .prefault({});

const alerts = z
  .strictObject({
    cooldown_seconds: int(0).default(300),
    /** 0 turns reminders off. */
    repeat_interval_seconds: int(0).default(3600),
    send_resolved: z.boolean().default(true),
    history_size: int(1, 1_000_000).default(1000),
    evaluation_interval_seconds: int(1, 3600).default(5),
    test_rate_limit_per_minute: int(1, 600).default(6),
  })
  .prefault({});

const websocket = z
  .strictObject({
    metrics_interval_ms: int(10, 60_000).default(250),
    max_buffered_bytes: int(1024).default(1024 * 1024),
    ping_interval_seconds: int(1, 3600).default(30),
    /** §16: origins besides the exporter's own whose pages may open /ws. */
    allowed_origins: z.array(webOrigin(), { error: "must be a list of origins" }).default([]),
    max_clients: int(1, 1_000_000).default(1000),
    max_messages_per_second: int(1, 10_000).default(10),
  })
  .prefault({});

const http = z
  .strictObject({
    /** §16: origins that get CORS headers; none by default (the dashboard is same-origin). */
    cors_origins: z.array(webOrigin(), { error: "must be a list of origins" }).default([]),
  })
  .prefault({});

export const configSchema = z.strictObject({
  listen: listen().default("0.0.0.0:10077"),
  data_dir: path().default("./data"),
  max_bots: int(1, 100_000).default(100),
  external_url: httpUrl().optional(),
  /** Absent = keep every raw event. */
  retention_days: int(1).optional(),
  http,
  log_level: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  auth,
  ingest,
  storage,
  metrics,
  bots: z.record(botNameField(), bot, { error: "must be a mapping of bot name to settings" }).default({}),
  /** Fleets (§19): group name → member bots; a bot may be in several groups, listed before it exists. */
  groups: z
    .record(botNameField(), z.array(botNameField(), { error: "must be a list of bot names" }).min(1), {
      error: "must be a mapping of group name to bot names",
    })
    .default({}),
  /** §19: the three drawdown triggers for groups, same defaults as the bots'. */
  groups_triggers: groupTriggersSchema,
  health,
  api_probe: apiProbe,
  triggers: triggersSchema,
  alerts,
  digests: digestsSchema,
  websocket,
  notifications: notificationsSchema,
  sources: sourcesSchema,
});

/** The fully defaulted configuration. Secrets given as `<key>_file` are already read into `<key>`. */
export type Config = z.output<typeof configSchema>;
/** What a YAML file may contain. */
export type ConfigInput = z.input<typeof configSchema>;
