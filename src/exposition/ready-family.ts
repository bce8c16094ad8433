// A metric family the prom-client Registry accepts as one of its own (registerMetric → get()),
// whose values are written at scrape time straight from the engine's state. prom-client's Gauge
// and Counter hash every label set on every set()/inc() and keep a map of them; with thousands of
// series per scrape that hashing (and the garbage it makes) was most of a scrape. Here each label
// set is built once, the first time it appears, and handed to the registry as `sharedLabels`,
// whose formatted string prom-client caches per object, so a scrape formats no label twice.
//
// In the exporter's own registry (ExpositionRegistry below) a family goes one step further: it
// writes its lines itself from a per-series prefix (`name{labels} `) built once, the exact bytes
// prom-client would write, so a scrape of thousands of series allocates one string per line
// instead of prom-client's arrays and objects per value (test/exposition/ready-family.test.ts
// proves the two byte for byte).
import { Registry, type MetricType, type RegistryContentType } from "prom-client";

/** One family of §9: name, help, type, its label names and how to write its series. */
export interface FamilyDefinition<V> {
  name: string;
  help: string;
  type: "gauge" | "counter";
  /** At most three label names. */
  labels: readonly string[];
  /** Writes every series: `add(value, labelValues…)`, label values in the order of `labels`. */
  collect(view: V, add: AddSeries): void;
}

export type AddSeries = (value: number, a?: string, b?: string, c?: string) => void;

type LabelSet = Readonly<Record<string, string>>;

/** Label sets by their values, built once each (bots and triggers are bounded, so this is too). */
class LabelSets {
  private readonly root = new Map<string, unknown>();
  constructor(private readonly names: readonly string[]) {
    if (names.length > 3) throw new Error("a family has at most three labels");
  }

  get(a: string, b?: string, c?: string): LabelSet {
    const n = this.names.length;
    let level = this.root;
    let last = a;
    if (n >= 2) level = this.level(level, a);
    if (n === 3) level = this.level(level, b!);
    if (n >= 2) last = n === 2 ? b! : c!;
    let set = level.get(last) as LabelSet | undefined;
    if (!set) {
      const values = [a, b, c];
      const built: Record<string, string> = {};
      this.names.forEach((name, i) => (built[name] = values[i]!));
      level.set(last, (set = Object.freeze(built)));
    }
    return set;
  }

  private level(parent: Map<string, unknown>, key: string): Map<string, unknown> {
    let next = parent.get(key) as Map<string, unknown> | undefined;
    if (!next) parent.set(key, (next = new Map()));
    return next;
  }
}

/**
 * A counter's value must be a count: the bounds keep sums finite (§15), but should one ever be
 * infinite or negative it is written as NaN ("no valid value") for that one series; gauges are
 * written as they are (NaN, +Inf, -Inf). Either way the scrape answers for every bot.
 */
const countable = (x: number): number => (Number.isFinite(x) && x >= 0 ? x : NaN);

interface Value {
  value: number;
  sharedLabels?: LabelSet;
}

/** prom-client's escaping of help text and label values (lib/registry.js). */
const escapeText = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabel = (s: string): string => escapeText(s).replace(/"/g, '\\"');

/** A sample value as prom-client writes it, except NaN, which the exposition formats spell "NaN". */
function sampleValue(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  return `${x}`;
}

/** What Registry.metrics() and Registry.resetMetrics() call on a registered metric. */
export class ReadyFamily<V> {
  name: string; // the OpenMetrics registry strips a counter's `_total` from it; one instance per registry
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = "sum" as const;
  private readonly labelSets: LabelSets;

  constructor(
    private readonly definition: FamilyDefinition<V>,
    private readonly view: () => V,
  ) {
    this.name = definition.name;
    this.help = definition.help;
    this.type = definition.type as unknown as MetricType;
    this.labelSets = new LabelSets(definition.labels);
  }

  get(): { name: string; help: string; type: MetricType; aggregator: "sum"; values: Value[] } {
    const values: Value[] = [];
    const withLabels = this.definition.labels.length > 0;
    const counter = this.definition.type === "counter";
    this.definition.collect(this.view(), (raw, a, b, c) => {
      const value = counter ? countable(raw) : raw;
      values.push(withLabels ? { value, sharedLabels: this.labelSets.get(a!, b, c) } : { value });
    });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Nothing to reset: every scrape reads the state afresh. */
  reset(): void {}

  /** Line prefixes (`name{labels} `) by label set, per sample name (OpenMetrics renames counters). */
  private readonly prefixes = new Map<LabelSet, string>(); // as bounded as the label sets
  private prefixName = "";
  private unlabelledPrefix = "";

  /**
   * The family's block of the exposition, as Registry.getMetricsAsString would write it: HELP,
   * TYPE, then one line per series, joined by "\n" without a trailing one.
   */
  formatText(openMetrics: boolean): string {
    const name = escapeText(this.name);
    const sample = openMetrics && this.definition.type === "counter" ? `${name}_total` : name;
    if (sample !== this.prefixName) {
      this.prefixName = sample;
      this.unlabelledPrefix = `${sample} `;
      this.prefixes.clear();
    }
    let text = `# HELP ${name} ${escapeText(this.help)}\n# TYPE ${name} ${this.definition.type}`;
    const names = this.definition.labels;
    const counter = this.definition.type === "counter";
    this.definition.collect(this.view(), (raw, a, b, c) => {
      const value = sampleValue(counter ? countable(raw) : raw);
      if (names.length === 0) {
        text += `\n${this.unlabelledPrefix}${value}`;
        return;
      }
      const set = this.labelSets.get(a!, b, c);
      let prefix = this.prefixes.get(set);
      if (prefix === undefined) {
        const labels = names.map((n) => `${n}="${escapeLabel(set[n]!)}"`).join(",");
        this.prefixes.set(set, (prefix = `${sample}{${labels}} `));
      }
      text += `\n${prefix}${value}`;
    });
    return text;
  }
}

/**
 * A prom-client Registry whose ReadyFamily members write their own block (formatText); every other
 * metric (process_*, nodejs_*) goes through prom-client's formatting as before.
 */
export class ExpositionRegistry<T extends RegistryContentType> extends Registry<T> {
  // Registry.metrics() calls this for each registered metric; prom-client's typings leave it out.
  async getMetricsAsString(metric: unknown): Promise<string> {
    if (metric instanceof ReadyFamily) return metric.formatText(this.contentType === Registry.OPENMETRICS_CONTENT_TYPE);
    return (Registry.prototype as unknown as { getMetricsAsString(m: unknown): Promise<string> }).getMetricsAsString.call(this, metric);
  }
}
