// The one interface a notification channel (§7) is written against. A channel is one file in
// src/notify/channels/ exporting a ChannelDefinition (its name, `notifications.<name>` keys,
// secrets, environment variables, factory and renderer) and one line in the registry
// (src/notify/channels/index.ts); the config schema, env overrides, secret handling, the API's
// channel list and the client's type are all read from the registry.
import { z } from "zod";
import type { Clock } from "../domain/clock.js";
import type { Notification, NotificationKind } from "../domain/alert-record.js";
import type { DigestReport } from "../domain/digest-report.js";
import {
  isGiven,
  sectionSchema,
  type ChannelDeclaration,
  type SectionEnvVar,
  type SectionSchema,
  type SecretKey,
} from "../config/extension-points.js";
import { requireWhenEnabled } from "../config/fields.js";

export interface Fact {
  label: string;
  value: string;
}

/**
 * What a message says, decided once for every channel (src/notify/message.ts): a title, one or two
 * sentences, labelled facts and a link. Channels only lay it out.
 */
export interface MessageContent {
  title: string;
  summary: string[];
  facts: Fact[];
  link: string | null;
}

/** One notification made ready once for every channel; each channel renders its own body from it. */
export interface AlertMessage {
  kind: NotificationKind;
  alertId: string;
  /** e.g. "[CRITICAL] kill_switch_activation on bot alpha"; the email subject. */
  title: string;
  /** The content as plain text (title, summary, one fact a line, the link). */
  text: string;
  content: MessageContent;
  /** The notification itself, for channels that send the record rather than words (webhook). */
  notification: Notification;
}

/** A digest (§19) made ready for every channel that renders digests. */
export interface DigestMessage {
  kind: "digest";
  /** The digest's id: deliveries are reported under it. */
  alertId: string;
  /** "Daily digest · Mon 5 Jan 2026"; the email subject. */
  title: string;
  /** The digest as plain text (the email's text part). */
  text: string;
  digest: DigestReport;
}

/** What the queues carry and a channel sends: an alert's message or a digest. */
export type RenderedMessage = AlertMessage | DigestMessage;

export interface Channel<Name extends string = string> {
  readonly name: Name;
  /** One attempt. Throws DeliveryError (with retryAfterMs when the receiver said so) on failure. */
  send(message: RenderedMessage, signal: AbortSignal): Promise<void>;
}

/** A section as a library caller may hand it to buildChannels: every key but `enabled` optional, null meaning unset. */
export type LooseSection<T> = { enabled: boolean } & { [K in Exclude<keyof T, "enabled">]?: T[K] | null };

export interface ChannelContext<Section> {
  clock: Clock;
  /** The value of a key the channel cannot work without, or an error naming `notifications.<name>.<key>` (never its value). */
  required<K extends keyof Section>(key: K): NonNullable<Section[K]>;
}

type EnabledShape = { enabled: z.ZodDefault<z.ZodBoolean> };

export interface ChannelSpec<Name extends string, S extends z.ZodRawShape, K extends string & keyof S, Payload, DigestPayload = Payload> {
  name: Name;
  /** How prose calls it ("Slack"). */
  label: string;
  /** The keys of `notifications.<name>` besides `enabled`, with their defaults. */
  settings: S;
  /** Keys holding secrets: each may be given as `<key>_file` instead, and is never echoed. */
  secrets?: readonly SecretKey<K>[];
  /** Keys an enabled channel needs (a secret counts as given through its `_file` too). */
  required?: readonly (string & keyof S)[];
  /** Further rules checked when the channel is enabled. */
  whenEnabled?: (section: z.output<SectionSchema<EnabledShape & S, K>>, ctx: z.RefinementCtx) => void;
  /** §12 environment variables: the one that switches the channel, and those that set its keys. */
  env?: { enabled?: string; vars: readonly SectionEnvVar<string & keyof S>[] };
  /** Builds the sender from a section; called only for an enabled channel under enabled notifications. */
  create: (
    section: LooseSection<z.output<SectionSchema<EnabledShape & S, K>>>,
    ctx: ChannelContext<LooseSection<z.output<SectionSchema<EnabledShape & S, K>>>>,
  ) => Channel<Name>;
  /**
   * The channel's body for one alert message: pure, so tests can render without a receiver. The
   * sender calls the definition's `render`, which picks this or `renderDigest`.
   */
  render: (message: AlertMessage) => Payload;
  /** The channel's body for a digest (§19), laid out for a phone; a channel without one gets no digests. */
  renderDigest?: (message: DigestMessage) => DigestPayload;
}

export type ChannelDefinition<
  Name extends string,
  S extends z.ZodRawShape,
  K extends string & keyof S,
  Payload,
  DigestPayload = Payload,
> = Omit<ChannelSpec<Name, S, K, Payload, DigestPayload>, "settings" | "secrets" | "required" | "whenEnabled" | "env" | "render"> & {
  /** The body of any message: an alert's through the spec's `render`, a digest's through `renderDigest`. */
  render: ((message: AlertMessage) => Payload) &
    ((message: DigestMessage) => DigestPayload) &
    ((message: RenderedMessage) => Payload | DigestPayload);
  /** Whether the channel renders digests. */
  digests: boolean;
  secrets: readonly SecretKey<K>[];
  env: { enabled?: string; vars: readonly SectionEnvVar<string & keyof S>[] };
  /** `notifications.<name>`: strict, defaulted (disabled), every secret also as `<key>_file`. */
  config: z.ZodPrefault<SectionSchema<EnabledShape & S, K>>;
};

/** A definition with its types forgotten, as the registry's consumers walk it. */
export interface AnyChannelDefinition extends ChannelDeclaration {
  readonly label: string;
  readonly config: z.ZodType;
  readonly create: (section: { enabled: boolean }, ctx: ChannelContext<Record<string, unknown>>) => Channel;
  readonly render: (message: RenderedMessage) => unknown;
  readonly digests: boolean;
}

export function defineChannel<Name extends string, S extends z.ZodRawShape, K extends string & keyof S, Payload, DigestPayload = Payload>(
  spec: ChannelSpec<Name, S, K, Payload, DigestPayload>,
): ChannelDefinition<Name, S, K, Payload, DigestPayload> {
  const secrets = spec.secrets ?? [];
  const section = ["notifications", spec.name];
  const shape = { enabled: z.boolean().default(false), ...spec.settings } as EnabledShape & S;
  const config = sectionSchema(shape, secrets, (value, ctx) => {
    if (!value.enabled) return;
    for (const key of spec.required ?? []) {
      const file = secrets.some((s) => s.key === key) ? `${key}_file` : undefined;
      requireWhenEnabled(ctx, section, key, isGiven(value, key), file);
    }
    spec.whenEnabled?.(value as z.output<SectionSchema<EnabledShape & S, K>>, ctx);
  }).prefault({} as never);
  const { name, label, create, renderDigest } = spec;
  const render = ((message: RenderedMessage): Payload | DigestPayload => {
    if (message.kind !== "digest") return spec.render(message);
    if (!renderDigest) throw new Error(`the ${label} channel renders no digest`);
    return renderDigest(message);
  }) as ChannelDefinition<Name, S, K, Payload, DigestPayload>["render"];
  return { name, label, secrets, env: spec.env ?? { vars: [] }, config, create, render, renderDigest, digests: renderDigest !== undefined };
}
