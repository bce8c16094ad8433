// The registry of notification channels (§7). Adding a channel is one file in this folder and one
// line in CHANNELS; everything that names channels reads this list: the `notifications` config
// section, its environment variables and secret files, buildChannels, the test-message route, the
// OpenAPI document and the client's types.
import { z } from "zod";
import type { AnyChannelDefinition, LooseSection } from "../channel.js";
import { discord } from "./discord.js";
import { email } from "./email.js";
import { slack } from "./slack.js";
import { telegram } from "./telegram.js";
import { webhook } from "./webhook.js";

/** Every channel, in the order they are built, documented and listed. */
export const CHANNELS = [slack, email, telegram, webhook, discord] as const;

type Definitions = (typeof CHANNELS)[number];
export type ChannelName = Definitions["name"];
export const CHANNEL_NAMES: readonly ChannelName[] = CHANNELS.map((c) => c.name);

/**
 * The registry as its generic consumers walk it (config, env, secrets, buildChannels): each entry's
 * factory takes its own section type, which a walker only knows as "a section".
 */
export const CHANNEL_DEFINITIONS = CHANNELS as unknown as readonly AnyChannelDefinition[];

type SectionShape = { [D in Definitions as D["name"]]: D["config"] };

/** `notifications`: the master switch and one section per channel. */
export const notificationsSchema = z
  .strictObject({
    /** Master switch: with false no channel sends, whatever the channels say. */
    enabled: z.boolean().default(false),
    ...(Object.fromEntries(CHANNELS.map((c) => [c.name, c.config])) as SectionShape),
  })
  .prefault({});

/**
 * What buildChannels takes: the parsed `notifications` section, or a hand-made one (library
 * callers, tests) where a channel left out is off and every key but `enabled` may be missing.
 */
export type NotificationsSettings = { enabled: boolean } & {
  [D in Definitions as D["name"]]?: LooseSection<z.output<D["config"]>>;
};
