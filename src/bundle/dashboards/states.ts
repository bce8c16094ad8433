// Shared queries and value mappings for the state panels (health, safety controls).

/** A one-hot gauge of three states as one number per bot: 0 for the first state, 1 for `middle`, 2 for `worst`. */
const threeLevels =
  (metric: string, label: string, middle: string, worst: string) =>
  (matchers: string): string =>
    `max by (bot) (${metric}{${matchers}, ${label}="${middle}"}) + 2 * max by (bot) (${metric}{${matchers}, ${label}="${worst}"})`;

/** Health as one number per bot (0 healthy, 1 degraded, 2 critical) from the one-hot trading_health_status. */
export const HEALTH_LEVEL_EXPR = threeLevels("trading_health_status", "level", "degraded", "critical");

export const HEALTH_STATES = [
  { value: 0, text: "HEALTHY", color: "green" },
  { value: 1, text: "DEGRADED", color: "orange" },
  { value: 2, text: "CRITICAL", color: "red" },
];

/** API status as one number (0 connected, 1 degraded, 2 disconnected) from the one-hot trading_api_status. */
export const API_STATUS_EXPR = threeLevels("trading_api_status", "status", "degraded", "disconnected");

export const API_STATES = [
  { value: 0, text: "connected", color: "green" },
  { value: 1, text: "degraded", color: "orange" },
  { value: 2, text: "disconnected", color: "red" },
];

/** A 0/1 safety gauge where 1 is the bad state. */
export const ON_OFF_STATES = [
  { value: 0, text: "off", color: "green" },
  { value: 1, text: "ON", color: "red" },
];
