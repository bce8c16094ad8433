// The configuration module's public surface.
export { configSchema, LOG_LEVELS, MIN_SECRET_LENGTH, type Config, type ConfigInput } from "./schema.js";
export { loadConfig, parseConfig, listenAddress, knownKeysAt, type LoadOptions, type ParseOptions } from "./load.js";
export { ConfigError } from "./errors.js";
export { applyEnvOverrides, CONFIG_FILE_VAR, ENV_VARS, parseBoolean, type EnvVar } from "./env.js";
export { redactConfig, isSecretKey, REDACTED } from "./secrets.js";
export { metricsSettings, effectiveTriggers } from "./settings.js";
export { botTriggersSchema, triggersSchema, type BotTriggerOverrides, type TriggersConfig } from "./triggers.js";
// The channels `notifications` knows, for the layers that list them without sending (the OpenAPI document).
export { CHANNEL_NAMES, type ChannelName } from "../notify/channels/index.js";
