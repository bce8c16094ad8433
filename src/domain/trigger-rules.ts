// The Prometheus side of a trigger (§14): small PromQL building blocks (the bundle's own exporter
// alerts use them too) and the two shapes most trigger rules take. Every trading alert joins a per-bot metric with the exporter's own view of the
// trigger configuration (§9 "Alerting"), so no threshold is repeated in a rule.
import type { TriggerRule } from "./trigger.js";

/**
 * The identity of one bot inside Prometheus: the scrape target (job, instance) plus the `bot` label.
 * Joining on `bot` alone would break (many-to-many error, every bot's alert lost) as soon as two
 * exporters both report a bot called "default"; the threshold and the metric always come from the same
 * scrape, so they always share job and instance.
 */
export const BOT_IDENTITY = ["job", "instance", "bot"] as const;
const ON_BOT = `on(${BOT_IDENTITY.join(", ")})`;
/** The same for a group (§19): its series carry `group` instead of `bot`. */
export const GROUP_IDENTITY = ["job", "instance", "group"] as const;
const ON_GROUP = `on(${GROUP_IDENTITY.join(", ")})`;

/** Whom a rule is about: a bot (trading_alert_* config series) or a group (trading_group_alert_*). */
export type RuleScope = "bot" | "group";
const ON: Record<RuleScope, string> = { bot: ON_BOT, group: ON_GROUP };

/** `trading_alert_<kind>{trigger="<id>"}`: the effective configured value the exporter publishes. */
export function triggerConfig(kind: "threshold" | "min_trades" | "enabled", trigger: string, scope: RuleScope = "bot"): string {
  return `trading_${scope === "group" ? "group_" : ""}alert_${kind}{trigger="${trigger}"}`;
}

/**
 * `<metric> <op> <config series>`: a filtering comparison, so the result keeps the metric's value
 * (what `$value` shows) and its labels. `group_left` makes the metric side the "many" side: each
 * config series matches every metric series of its bot, and the output keeps the metric's labels.
 */
export function compareWithConfig(metric: string, op: ">=" | "<", config: string, scope: RuleScope = "bot"): string {
  return `${metric}\n  ${op} ${ON[scope]} group_left()\n${config}`;
}

/** Keep only bots (groups) whose trigger is enabled (`trading_alert_enabled == 1`). */
export function gateOnEnabled(condition: string, trigger: string, scope: RuleScope = "bot"): string {
  return `(\n${indent(condition)}\n)\nand ${ON[scope]}\n(${triggerConfig("enabled", trigger, scope)} == 1)`;
}

/** Intersect two per-bot conditions, keeping the left side's value. */
export function both(left: string, right: string): string {
  return `(\n${indent(left)}\n)\nand ${ON_BOT}\n(\n${indent(right)}\n)`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

/**
 * An alert-template snippet that prints the current value of one of the bot's series, looked up with
 * the alert's own job/instance/bot labels. `format` is a Prometheus template function
 * (`humanizePercentage`, `printf "%.0f"`, ...).
 */
export function templateLookup(
  selector: {
    metric: string;
    trigger?: string;
    /** e.g. " >= 0" to drop NaN (then "unknown" is shown) */ filter?: string;
    /** Whose series: a bot's (default), a group's (§19, label `group`), or the exporter's own (no such label). */
    scope?: RuleScope | "exporter";
  },
  format: string,
): string {
  const triggerMatcher = selector.trigger === undefined ? "" : `,trigger=\\"${selector.trigger}\\"`;
  const scope = selector.scope ?? "bot";
  const [subjectMatcher, subjectArg] = scope === "exporter" ? ["", ""] : [`,${scope}=%q`, ` $labels.${scope}`];
  const query =
    `printf "${selector.metric}{job=%q,instance=%q${subjectMatcher}${triggerMatcher}}${selector.filter ?? ""}" ` +
    `$labels.job $labels.instance${subjectArg}`;
  return `{{ with ${query} | query }}{{ . | first | value | ${format} }}{{ else }}unknown{{ end }}`;
}

export const PERCENT = "humanizePercentage";
export const COUNT = 'printf "%.0f"';

/** The trigger's configured threshold, printed in an annotation. */
export const thresholdText = (trigger: string, format: string): string =>
  templateLookup({ metric: "trading_alert_threshold", trigger }, format);

/** A rule of the form "metric >= configured threshold". */
export function atOrAboveThreshold(opts: {
  alert: string;
  trigger: string;
  metric: string;
  what: string;
  format: string;
  /** The description's opening, given the humanized value; the threshold sentence is appended. */
  describe: (value: string) => string;
}): TriggerRule {
  return {
    alert: opts.alert,
    expr: gateOnEnabled(compareWithConfig(opts.metric, ">=", triggerConfig("threshold", opts.trigger)), opts.trigger),
    summary: `Bot {{ $labels.bot }}: ${opts.what} reached its alert threshold`,
    description:
      `${opts.describe(`{{ $value | ${opts.format} }}`)}, ` +
      `at or above the alert threshold of ${thresholdText(opts.trigger, opts.format)}.`,
  };
}

/** A rule of the form "a one-hot/boolean state gauge is 1". */
export function stateIsOn(opts: { alert: string; trigger: string; selector: string; summary: string; description: string }): TriggerRule {
  return {
    alert: opts.alert,
    expr: gateOnEnabled(`${opts.selector} == 1`, opts.trigger),
    summary: opts.summary,
    description: opts.description,
  };
}
