// The metrics engine (§5, §6 safety state): per-bot state fed one validated, non-duplicate
// event at a time. Pure: no I/O, no timers; "now" only comes from the injected clock.
import type { Clock } from "../domain/clock.js";
import { EQUITY_HISTORY_POINTS, EquityDownsampler, type EquityHistoryState, type EquityPoint } from "../domain/equity-history.js";
import type { TradingEvent } from "../domain/events.js";
import { TimeZoneCalendar } from "../domain/periods.js";
import { BotPerformance, type BotPerformanceState } from "./bot-performance.js";
import { BotSafety, type BotSafetyState } from "./bot-safety.js";
import { GroupPerformance, type GroupPerformanceState } from "./group-performance.js";
import { settingsFingerprint } from "./settings-fingerprint.js";
import type { GroupSnapshot, MetricsSettings, PerformanceSnapshot, SafetySnapshot } from "../domain/snapshots.js";

// 3: §19 tallies (largest win/loss, net cash flow) and the time-weighted, whole-series daily growth.
// 4: each bot's downsampled equity curve.
export const ENGINE_SNAPSHOT_VERSION = 4;

/** JSON-serializable engine state (non-finite numbers are encoded, see json-number.ts). */
export interface EngineSnapshotData {
  version: number;
  /** settingsFingerprint() of the settings the state was built under. */
  fingerprint: string;
  /** In first-seen order. */
  bots: Array<{ bot: string; performance: BotPerformanceState; safety: BotSafetyState; history: EquityHistoryState }>;
  /** Configured groups (§19), in config order. */
  groups?: Array<{ group: string; state: GroupPerformanceState }>;
}

interface BotState {
  /** Changes with every event applied to the bot (see revision()). */
  revision: number;
  performance: BotPerformance;
  safety: BotSafety;
  /** The chart's equity curve: one point per event that can move equity. */
  history: EquityDownsampler;
  /** The groups the bot is a member of (fixed with the settings, so looked up once, not per event). */
  groups: GroupPerformance[] | undefined;
}

const movesEquity = (event: TradingEvent) => event.type === "trade" || event.type === "equity" || event.type === "cashflow";

export class Engine {
  private readonly botStates = new Map<string, BotState>();
  private readonly calendar: TimeZoneCalendar;
  private readonly groupStates = new Map<string, GroupPerformance>();
  /** bot → the groups it is a member of (members may be listed before they exist). */
  private readonly groupsOfBot = new Map<string, GroupPerformance[]>();
  /** Stamped on a bot at each applied event: unique over the engine's bots and events. */
  private applied = 0;

  constructor(
    private readonly settings: MetricsSettings,
    private readonly clock: Clock,
  ) {
    this.calendar = new TimeZoneCalendar(settings.timezone);
    for (const [group, members] of Object.entries(settings.groups ?? {})) {
      this.addGroup(new GroupPerformance(group, [...new Set(members)], settings.daily_window_days));
    }
  }

  /** Only before any bot state exists (the constructor, fromSnapshot): a bot state takes its groups when it is made. */
  private addGroup(g: GroupPerformance): void {
    this.groupStates.set(g.group, g);
    // Replaces a group of the same name (a restored one replaces the fresh one).
    for (const bot of g.members) {
      this.groupsOfBot.set(bot, [...(this.groupsOfBot.get(bot) ?? []).filter((x) => x.group !== g.group), g]);
    }
  }

  /** Applies one validated, non-duplicate event (the store filters duplicates). O(1) in window size. */
  apply(event: TradingEvent): void {
    let state = this.botStates.get(event.bot);
    if (state === undefined) {
      // A bot exists from its first applied event, of any type.
      state = {
        revision: 0,
        performance: BotPerformance.create(
          event.bot,
          this.initialEquityOf(event.bot),
          this.settings.window_trades,
          this.settings.daily_window_days,
        ),
        safety: new BotSafety(event.bot),
        history: new EquityDownsampler(EQUITY_HISTORY_POINTS),
        groups: this.groupsOfBot.get(event.bot),
      };
      this.botStates.set(event.bot, state);
    }
    state.revision = ++this.applied;
    const groups = state.groups;
    const before = state.performance.currentEquity;
    state.performance.apply(event, this.calendar);
    state.safety.apply(event);
    if (movesEquity(event)) state.history.append(event.ts, state.performance.currentEquity, state.performance.currentDrawdown);
    if (groups === undefined) return;
    const change = {
      bot: event.bot,
      ts: event.ts,
      before,
      after: state.performance.currentEquity,
      cashFlow: event.type === "cashflow",
      pnl: event.type === "trade" ? event.pnl : 0,
    };
    for (const g of groups) g.apply(change, this.calendar);
  }

  /** Configured group names, in config order. */
  groups(): string[] {
    return [...this.groupStates.keys()];
  }

  /** The groups `bot` is a member of, in config order. */
  groupsOf(bot: string): string[] {
    return (this.groupsOfBot.get(bot) ?? []).map((g) => g.group);
  }

  hasGroup(group: string): boolean {
    return this.groupStates.has(group);
  }

  /** A group's fleet figures as of clock.now(); throws for an unknown group. */
  group(group: string): GroupSnapshot {
    const g = this.groupStates.get(group);
    if (g === undefined) throw new Error(`unknown group: ${group}`);
    return g.snapshot(this.today(), this.settings);
  }

  hasBot(bot: string): boolean {
    return this.botStates.has(bot);
  }

  /** Bot names in first-seen order. */
  bots(): string[] {
    return [...this.botStates.keys()];
  }

  /** The bot's figures as of clock.now(); throws for a bot that has no applied event. */
  performance(bot: string): PerformanceSnapshot {
    return this.stateOf(bot).performance.snapshot(this.today(), this.settings);
  }

  /**
   * The local day of clock.now(): with revision(bot), everything performance(bot) and safety(bot)
   * are computed from (the day's and week's figures and the daily returns move at midnight).
   */
  today(): number {
    return this.calendar.dayContaining(this.clock.now()).day;
  }

  /** Changes whenever an event is applied to the bot, and only then; throws for an unknown bot. */
  revision(bot: string): number {
    return this.stateOf(bot).revision;
  }

  /** The event times staleness is measured from (safety(bot)'s, without copying the rest). */
  activity(bot: string): { last_heartbeat_at: number | null; last_event_at: number | null } {
    return this.stateOf(bot).safety.activity();
  }

  safety(bot: string): SafetySnapshot {
    return this.stateOf(bot).safety.snapshot();
  }

  /** The bot's equity curve at the engine's resolution (at most EQUITY_HISTORY_POINTS); empty for an unknown bot. */
  equityCurve(bot: string): { total: number; points: readonly EquityPoint[] } {
    const h = this.botStates.get(bot)?.history;
    return h ? { total: h.total, points: h.points() } : { total: 0, points: [] };
  }

  toSnapshot(): EngineSnapshotData {
    return {
      version: ENGINE_SNAPSHOT_VERSION,
      fingerprint: Engine.settingsFingerprint(this.settings),
      bots: [...this.botStates].map(([bot, s]) => ({
        bot,
        performance: s.performance.toState(),
        safety: s.safety.toState(),
        history: s.history.toState(),
      })),
      groups: [...this.groupStates.values()].map((g) => ({ group: g.group, state: g.toState() })),
    };
  }

  /**
   * Rebuilds an engine whose every figure equals the snapshotted one's. Throws when the snapshot
   * was taken under settings that shape the state differently (the caller then replays from the start).
   */
  static fromSnapshot(data: EngineSnapshotData, settings: MetricsSettings, clock: Clock): Engine {
    if (data.version !== ENGINE_SNAPSHOT_VERSION) {
      throw new Error(`engine snapshot version ${data.version} is not ${ENGINE_SNAPSHOT_VERSION}`);
    }
    if (data.fingerprint !== Engine.settingsFingerprint(settings)) {
      throw new Error("engine snapshot was taken under other metrics settings");
    }
    const engine = new Engine(settings, clock);
    for (const { group, state } of data.groups ?? []) {
      const g = engine.groupStates.get(group);
      if (g !== undefined) engine.addGroup(GroupPerformance.fromState(group, g.members, state, settings.daily_window_days));
    }
    for (const b of data.bots) {
      engine.botStates.set(b.bot, {
        revision: 0,
        performance: BotPerformance.fromState(b.bot, b.performance, settings.daily_window_days),
        safety: BotSafety.fromState(b.bot, b.safety),
        history: EquityDownsampler.fromState(EQUITY_HISTORY_POINTS, b.history),
        groups: engine.groupsOfBot.get(b.bot),
      });
    }
    return engine;
  }

  /** The settings that shape the state (see settings-fingerprint.ts). */
  static settingsFingerprint(settings: MetricsSettings): string {
    return settingsFingerprint(settings, ENGINE_SNAPSHOT_VERSION);
  }

  private initialEquityOf(bot: string): number {
    return this.settings.bots[bot]?.initial_equity ?? this.settings.initial_equity;
  }

  private stateOf(bot: string): BotState {
    const s = this.botStates.get(bot);
    if (s === undefined) throw new Error(`unknown bot: ${bot}`);
    return s;
  }
}
