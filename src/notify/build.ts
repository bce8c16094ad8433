// Channels from the `notifications` config section (§12), one per enabled entry of the registry.
// Secrets arrive already resolved from their `_file` variants by the config loader.
import type { Clock } from "../domain/clock.js";
import { systemClock } from "../domain/clock.js";
import type { ChannelContext } from "./channel.js";
import { CHANNEL_DEFINITIONS, type NotificationsSettings } from "./channels/index.js";
import type { Channel } from "./types.js";

export type { NotificationsSettings };

/**
 * The enabled channels, in registry order. Throws (naming the key, never its value) when an
 * enabled channel lacks a required setting.
 */
export function buildChannels(cfg: NotificationsSettings, opts: { clock?: Clock } = {}): Channel[] {
  const clock = opts.clock ?? systemClock;
  if (!cfg.enabled) return [];
  const channels: Channel[] = [];
  for (const definition of CHANNEL_DEFINITIONS) {
    const section = (cfg as unknown as Record<string, { enabled: boolean } | undefined>)[definition.name];
    if (!section?.enabled) continue;
    const settings = section as Record<string, unknown> & { enabled: boolean };
    const ctx: ChannelContext<Record<string, unknown>> = {
      clock,
      required: (key) => {
        const value = settings[key];
        if (value === null || value === undefined || value === "") {
          throw new Error(`notifications.${definition.name}.${key} is required when the channel is enabled`);
        }
        return value;
      },
    };
    channels.push(definition.create(settings, ctx) as Channel);
  }
  return channels;
}
