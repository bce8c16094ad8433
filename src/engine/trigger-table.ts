// The effective settings of every (bot, trigger) (§7): the config's layers plus the run-time
// overrides of PUT /api/v1/alerts/triggers/{trigger}, which are validated like the config file and
// persisted. Settings are cached per bot, in TRIGGER_IDS order, until an override changes.
import { TRIGGER_IDS, isTriggerId, type TriggerId, type TriggerOverride, type TriggerSettings } from "../domain/trigger-defaults.js";
import {
  effectiveTriggerSettings,
  triggerPatchSchema,
  type RuntimeOverrides,
  type TriggerConfig,
  type TriggerTableRow,
} from "../domain/triggers.js";
import type { AlertPersistence } from "./alert-persistence.js";

/** PUT /alerts/triggers rejected: unknown trigger (404) or invalid body (422, `errors`). */
export class TriggerChangeError extends Error {
  constructor(
    readonly status: 404 | 422,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "TriggerChangeError";
  }
}

/** A validated and persisted run-time change. */
export interface AppliedOverride {
  trigger: TriggerId;
  /** null = for all bots. */
  bot: string | null;
  /** The stored run-time override after merging this change. */
  override: TriggerOverride;
}

export class TriggerTable {
  private readonly overrides = new Map<string, TriggerOverride>();
  private readonly runtime: RuntimeOverrides;
  /** Effective settings per bot, in TRIGGER_IDS order; dropped when an override changes. */
  private readonly effective = new Map<string, TriggerSettings[]>();

  constructor(
    private readonly config: TriggerConfig,
    private readonly persistence: Pick<AlertPersistence, "loadOverrides" | "setOverride">,
  ) {
    for (const row of persistence.loadOverrides()) this.overrides.set(key(row.bot, row.trigger), row.override);
    this.runtime = { get: (trigger, bot) => this.overrides.get(key(bot, trigger)) };
  }

  /** Every trigger's settings for `bot`, in TRIGGER_IDS order. */
  settingsOf(bot: string): TriggerSettings[] {
    let s = this.effective.get(bot);
    if (!s) {
      s = TRIGGER_IDS.map((id) => effectiveTriggerSettings(bot, id, this.config, this.runtime));
      this.effective.set(bot, s);
    }
    return s;
  }

  /** Effective settings of one (bot, trigger), run-time overrides included. */
  settings(bot: string, trigger: TriggerId): TriggerSettings {
    return effectiveTriggerSettings(bot, trigger, this.config, this.runtime);
  }

  rows(bots: Iterable<string>): TriggerTableRow[] {
    const rows: TriggerTableRow[] = [];
    for (const bot of bots) {
      const settings = this.settingsOf(bot);
      TRIGGER_IDS.forEach((trigger, i) => rows.push({ bot, trigger, ...settings[i]! }));
    }
    return rows;
  }

  /** Validates `body` with triggerPatchSchema, persists the merged override, and then (only then) applies it. */
  change(trigger: string, body: unknown, now: number): AppliedOverride {
    if (!isTriggerId(trigger)) throw new TriggerChangeError(404, `unknown trigger "${trigger}"`);
    const parsed = triggerPatchSchema(trigger).safeParse(body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
      throw new TriggerChangeError(422, "invalid trigger settings", errors);
    }
    const { bot, ...patch } = parsed.data;
    const target = bot ?? null;
    const override = this.persistence.setOverride(trigger, target, patch, now);
    this.overrides.set(key(target, trigger), override);
    this.effective.clear();
    return { trigger, bot: target, override };
  }
}

function key(bot: string | null, trigger: string): string {
  return `${bot ?? ""}\u0000${trigger}`;
}
