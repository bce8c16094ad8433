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
//
// A family written bot by bot (`perBot`) also keeps each bot's lines, cached on the object of the
// bot's view they were read from (a view replaces that object when what it holds changes), and the
// block of every bot's lines, encoded once, while no bot's object changes: an idle scrape of many
// bots then writes the same bytes again instead of formatting them.
import { Registry, type MetricType, type RegistryContentType } from "prom-client";

/**
 * One family of §9: name, help, type, its label names and how to write its series: from the whole
 * view (`collect`), or bot by bot (`perBot`, then `after`).
 */
export interface FamilyDefinition<V, B = never> {
  name: string;
  help: string;
  type: "gauge" | "counter";
  /** At most three label names. */
  labels: readonly string[];
  /** Writes every series: `add(value, labelValues…)`, label values in the order of `labels`. */
  collect?: (view: V, add: AddSeries) => void;
  /**
   * Writes one bot's series from the part of its view that `reads` returns, and from nothing else:
   * that object is what the bot's lines are cached on. Needs a view that is a BotsView<B>.
   */
  perBot?: { reads: (bot: B) => object; write: (bot: B, add: AddSeries) => void };
  /** With perBot: series written after every bot's. */
  after?: (view: V, add: AddSeries) => void;
}

/** What a view of per-bot families holds besides its own fields. */
export interface BotsView<B> {
  bots: readonly B[];
  /** Every bot's lines written afresh, the cache neither read nor filled. */
  fresh: boolean;
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
export class ReadyFamily<V, B = never> {
  name: string; // the OpenMetrics registry strips a counter's `_total` from it; one instance per registry
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = "sum" as const;
  private readonly labelSets: LabelSets;

  constructor(
    private readonly definition: FamilyDefinition<V, B>,
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
    const add: AddSeries = (raw, a, b, c) => {
      const value = counter ? countable(raw) : raw;
      values.push(withLabels ? { value, sharedLabels: this.labelSets.get(a!, b, c) } : { value });
    };
    const view = this.view();
    const { collect, perBot, after } = this.definition;
    collect?.(view, add);
    if (perBot) for (const bot of botsOf<B>(view).bots) perBot.write(bot, add);
    after?.(view, add);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Nothing to reset: every scrape reads the state afresh. */
  reset(): void {}

  /** Line prefixes (`name{labels} `) by label set, per sample name (OpenMetrics renames counters). */
  private readonly prefixes = new Map<LabelSet, string>(); // as bounded as the label sets
  private prefixName = "";
  private unlabelledPrefix = "";

  /**
   * The objects the cached block was written from, bot by bot, each bot's lines from it ("\n"
   * before each) and the block (every bot's lines). A bot's lines are reused while the bot at the
   * same place in the list reads the same object: bots keep their places as bots are added, and
   * comparing one reference is cheaper than a lookup by object (a WeakMap was a tenth of a scrape).
   */
  private blockParts: readonly object[] = [];
  private blockLines: string[] = [];
  private block: Buffer | undefined;

  /**
   * The family's block of the exposition, as Registry.getMetricsAsString would write it: HELP,
   * TYPE, then one line per series, joined by "\n" without a trailing one; in pieces (a cached
   * block of every bot's lines stays a Buffer).
   */
  formatChunks(openMetrics: boolean): Array<string | Buffer> {
    const name = escapeText(this.name);
    const sample = openMetrics && this.definition.type === "counter" ? `${name}_total` : name;
    if (sample !== this.prefixName) {
      this.prefixName = sample;
      this.unlabelledPrefix = `${sample} `;
      this.prefixes.clear();
      this.block = undefined;
      this.blockParts = [];
      this.blockLines = [];
    }
    const head = `# HELP ${name} ${escapeText(this.help)}\n# TYPE ${name} ${this.definition.type}`;
    const view = this.view();
    const { collect, perBot, after } = this.definition;
    if (!perBot) return [head + this.lines(view, collect!)];
    const { bots, fresh } = botsOf<B>(view);
    const tail = after ? this.lines(view, after) : "";
    if (fresh) {
      let text = head;
      for (const bot of bots) text += this.lines(bot, perBot.write);
      return [text + tail];
    }
    return [head, this.botsBlock(bots, perBot), tail];
  }

  /** formatChunks as one string. */
  formatText(openMetrics: boolean): string {
    return this.formatChunks(openMetrics)
      .map((c) => (typeof c === "string" ? c : c.toString()))
      .join("");
  }

  /** Every bot's lines, from the cache for each bot whose part of the view is the one they were written from. */
  private botsBlock(bots: readonly B[], perBot: NonNullable<FamilyDefinition<V, B>["perBot"]>): Buffer {
    const parts = bots.map((bot) => perBot.reads(bot));
    const last = this.blockParts;
    if (this.block !== undefined && parts.length === last.length && parts.every((part, i) => part === last[i])) return this.block;
    const lines = bots.map((bot, i) => (parts[i] === last[i] ? this.blockLines[i]! : this.lines(bot, perBot.write)));
    this.blockParts = parts;
    this.blockLines = lines;
    return (this.block = Buffer.from(lines.join("")));
  }

  /** The series `write` adds, each line with "\n" before it. */
  private lines<T>(from: T, write: (from: T, add: AddSeries) => void): string {
    const names = this.definition.labels;
    const counter = this.definition.type === "counter";
    let text = "";
    write(from, (raw, a, b, c) => {
      const value = sampleValue(counter ? countable(raw) : raw);
      if (names.length === 0) {
        text += `\n${this.unlabelledPrefix}${value}`;
        return;
      }
      const set = this.labelSets.get(a!, b, c);
      let prefix = this.prefixes.get(set);
      if (prefix === undefined) {
        const labels = names.map((n) => `${n}="${escapeLabel(set[n]!)}"`).join(",");
        this.prefixes.set(set, (prefix = `${this.prefixName}{${labels}} `));
      }
      text += `\n${prefix}${value}`;
    });
    return text;
  }
}

/** A view with per-bot families is a BotsView (FamilyDefinition.perBot). */
const botsOf = <B>(view: unknown): BotsView<B> => view as BotsView<B>;

/** prom-client writes NaN as "Nan"; both exposition formats spell it "NaN". */
const spellNaN = (block: string): string => block.replaceAll(" Nan\n", " NaN\n").replace(/ Nan$/, " NaN");

/**
 * A prom-client Registry whose ReadyFamily members write their own block (formatChunks); every
 * other metric (process_*, nodejs_*) goes through prom-client's formatting as before. metrics() is
 * Registry.metrics() (the same separators and end), made of metricsChunks().
 */
export class ExpositionRegistry<T extends RegistryContentType> extends Registry<T> {
  // Registry.metrics() calls this for each registered metric; prom-client's typings leave it out.
  async getMetricsAsString(metric: unknown): Promise<string> {
    if (metric instanceof ReadyFamily) return metric.formatText(this.contentType === Registry.OPENMETRICS_CONTENT_TYPE);
    return (Registry.prototype as unknown as { getMetricsAsString(m: unknown): Promise<string> }).getMetricsAsString.call(this, metric);
  }

  override async metrics(): Promise<string> {
    return Buffer.concat(await this.metricsChunks()).toString();
  }

  /** The exposition as Buffers to write one after the other (cached blocks are written as they are). */
  async metricsChunks(): Promise<Buffer[]> {
    const openMetrics = this.contentType === Registry.OPENMETRICS_CONTENT_TYPE;
    const blocks = await Promise.all(
      this.getMetricsAsArray().map(async (metric): Promise<Array<string | Buffer>> => {
        // As Registry.metrics() does: OpenMetrics names a counter without its `_total`.
        if (openMetrics && metric.type === ("counter" as unknown as MetricType)) metric.name = metric.name.replace(/_total$/, "");
        if (metric instanceof ReadyFamily) return metric.formatChunks(openMetrics);
        return [spellNaN(await this.getMetricsAsString(metric))];
      }),
    );
    const chunks: Buffer[] = [];
    let text = "";
    blocks.forEach((block, i) => {
      if (i > 0) text += openMetrics ? "\n" : "\n\n";
      for (const c of block) {
        if (typeof c === "string") text += c;
        else {
          if (text !== "") chunks.push(Buffer.from(text));
          chunks.push(c);
          text = "";
        }
      }
    });
    chunks.push(Buffer.from(text + (openMetrics ? "\n# EOF\n" : "\n")));
    return chunks;
  }
}
