// The /ws wire protocol of §13: server → client messages `{type, bot, ts, data}` and the one
// client → server message, `{"type":"subscribe","bots":[...],"types":[...]}`.
import { BOT_NAME } from "../domain/events.js";

export const LIVE_MESSAGE_TYPES = ["metrics_update", "health_update", "safety_update", "alert", "trade"] as const;
export type LiveMessageType = (typeof LIVE_MESSAGE_TYPES)[number];

/** Latest-state messages: a newer one replaces an unsent older one, so a slow client may skip them. */
export const STATE_TYPES: readonly LiveMessageType[] = ["metrics_update", "health_update", "safety_update"];

export interface LiveMessage {
  type: LiveMessageType;
  bot: string;
  /** ISO-8601 UTC time the message was produced. */
  ts: string;
  /** The REST per-bot entry (§8) for state messages; the trade or alert record otherwise. */
  data: unknown;
}

/** Which bots and message types a client wants. `null` = all (an empty or absent list means all). */
export interface Subscription {
  bots: ReadonlySet<string> | null;
  types: ReadonlySet<LiveMessageType> | null;
}

export const EVERYTHING: Subscription = { bots: null, types: null };

/** A subscription names at most this many bots (the exporter caps bots at `max_bots` anyway). */
const MAX_SUBSCRIBED_BOTS = 1000;

export function wants(sub: Subscription, bot: string, type: LiveMessageType): boolean {
  return (sub.bots === null || sub.bots.has(bot)) && (sub.types === null || sub.types.has(type));
}

export type SubscriptionResult = { ok: true; subscription: Subscription } | { ok: false; error: string };

function parseList<T extends string>(
  name: string,
  raw: unknown,
  valid: (s: string) => s is T,
  describe: string,
): { ok: true; set: Set<T> | null } | { ok: false; error: string } {
  if (raw === undefined || raw === null) return { ok: true, set: null };
  if (!Array.isArray(raw)) return { ok: false, error: `${name} must be an array of strings` };
  if (raw.length > MAX_SUBSCRIBED_BOTS) return { ok: false, error: `${name} lists more than ${MAX_SUBSCRIBED_BOTS} entries` };
  const set = new Set<T>();
  for (const item of raw) {
    if (typeof item !== "string" || !valid(item)) return { ok: false, error: `${name}: ${JSON.stringify(item)} ${describe}` };
    set.add(item);
  }
  return { ok: true, set: set.size === 0 ? null : set };
}

const isBotName = (s: string): s is string => BOT_NAME.test(s);
const isLiveType = (s: string): s is LiveMessageType => (LIVE_MESSAGE_TYPES as readonly string[]).includes(s);

/** Validates the lists of a subscribe message (or of the `?bots=&types=` query of the upgrade). */
export function parseSubscription(bots: unknown, types: unknown): SubscriptionResult {
  const b = parseList("bots", bots, isBotName, "is not a valid bot name");
  if (!b.ok) return b;
  const t = parseList("types", types, isLiveType, `is not one of ${LIVE_MESSAGE_TYPES.join(", ")}`);
  if (!t.ok) return t;
  return { ok: true, subscription: { bots: b.set, types: t.set } };
}

/** `?bots=a,b&types=trade,alert` on the upgrade URL: the first state sent is already filtered. */
export function subscriptionFromQuery(params: URLSearchParams): SubscriptionResult {
  const list = (key: string) => {
    const v = params.get(key);
    return v === null ? undefined : v.split(",").filter((s) => s !== "");
  };
  return parseSubscription(list("bots"), list("types"));
}

/** A client → server text frame. Only `subscribe` exists; anything else is a protocol error. */
export function parseClientMessage(text: string): SubscriptionResult {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, error: "messages must be JSON" };
  }
  if (msg === null || typeof msg !== "object" || (msg as { type?: unknown }).type !== "subscribe") {
    return { ok: false, error: 'the only client message is {"type":"subscribe","bots":[...],"types":[...]}' };
  }
  const { bots, types } = msg as { bots?: unknown; types?: unknown };
  return parseSubscription(bots, types);
}

/**
 * What counts as a change for health/safety pushes: everything but the per-event timestamps
 * (`last_event_at` moves with every event and already travels in `metrics_update`).
 */
export function changeKey(entry: object): string {
  return JSON.stringify(entry, (key, value: unknown) => (key === "last_event_at" || key === "last_heartbeat_at" ? undefined : value));
}
