/** /digest subscribe | unsubscribe | status | preview — the weekly diversification digest. */
import { ApplicationCommandOptionType, ChannelType } from "discord.js";
import type { OptionDefinition } from "../src/discord/arguments.js";
import { defineCommand, type Caller, type Choice } from "../src/discord/command.js";
import { renderDigestPreview, renderDigestStatus, renderSubscribed, renderUnsubscribed, WEEKDAY_CHOICES } from "../src/discord/render/digest.js";
import { UserFacingError } from "../src/errors.js";
import { TIME_ZONES } from "../src/services/digest/schedule.js";
import { DM_TARGET, type DigestTarget } from "../src/services/digest/service.js";

const whereOption = (description: string) =>
  ({
    type: ApplicationCommandOptionType.String,
    name: "where",
    description,
    choices: [
      { name: "my direct messages", value: "dm" },
      { name: "this channel (server digest)", value: "channel" },
    ],
  }) as const satisfies OptionDefinition;

/** The place a `where:channel` subscription posts to, checked server-side. */
function channelTarget(caller: Caller): DigestTarget {
  if (!caller.guildId || !caller.channelId) throw new UserFacingError("A channel digest works in a server channel; in DMs use where: my direct messages.");
  if (!caller.canManageChannels) throw new UserFacingError("Subscribing a channel needs the Manage Channels permission.");
  const type = caller.channelType;
  if (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement) {
    return { kind: "channel", guildId: caller.guildId, channelId: caller.channelId };
  }
  if (type === ChannelType.GuildForum) return { kind: "forum", guildId: caller.guildId, channelId: caller.channelId };
  if ((type === ChannelType.PublicThread || type === ChannelType.PrivateThread) && caller.parentChannelType === ChannelType.GuildForum && caller.parentChannelId) {
    // Inside a forum post: the digest goes to the forum itself, one new post per week.
    return { kind: "forum", guildId: caller.guildId, channelId: caller.parentChannelId };
  }
  throw new UserFacingError("Digests can go to a text, announcement or forum channel; run this there (for a forum, inside any of its posts).");
}

const targetOf = (where: string, caller: Caller): DigestTarget => (where === "channel" ? channelTarget(caller) : DM_TARGET);

export const command = defineCommand({
  definition: {
    name: "digest",
    description: "A weekly summary of how your portfolio of models did and how diversified it is",
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "subscribe",
        description: "Get the digest every week (default: your DMs, Monday 13:00 UTC)",
        options: [
          whereOption("Your DMs (default), or this channel for every opted-in member (Manage Channels)"),
          { type: ApplicationCommandOptionType.String, name: "day", description: "Day of the week (default Monday)", choices: WEEKDAY_CHOICES },
          { type: ApplicationCommandOptionType.Integer, name: "hour", description: "Hour of the day, 0–23, in your timezone (default 13)", min_value: 0, max_value: 23 },
          {
            type: ApplicationCommandOptionType.String,
            name: "timezone",
            description: "IANA timezone such as Europe/Paris (default UTC)",
            max_length: 64,
            autocomplete: true,
          },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "unsubscribe", description: "Stop the weekly digest", options: [whereOption("Your DMs (default) or this channel")] },
      { type: ApplicationCommandOptionType.Subcommand, name: "status", description: "Where and when your digest goes, and how the last one went" },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "preview",
        description: "This week's digest now, only for you (posts nothing)",
        options: [whereOption("Your personal digest (default) or this server's")],
      },
    ],
  },
  lane: { subscribe: "quick", unsubscribe: "quick", status: "quick" },
  async execute({ args, caller, respond }, ctx) {
    await respond.defer({ ephemeral: true });
    const digest = ctx.services.digest;
    const now = new Date();
    switch (args.subcommand) {
      case "subscribe": {
        const target = targetOf(args.where ?? "dm", caller);
        const request = { day: args.day ?? null, hour: args.hour ?? null, timezone: args.timezone ?? null };
        await respond.edit(renderSubscribed(digest.subscribe(caller.userId, target, request, now)));
        return;
      }
      case "unsubscribe": {
        const target = targetOf(args.where ?? "dm", caller);
        await respond.edit(renderUnsubscribed(target.kind, digest.unsubscribe(caller.userId, target, now)));
        return;
      }
      case "status": {
        const here = caller.channelId && caller.guildId ? { channelId: caller.channelId, parentChannelId: caller.parentChannelId ?? null } : null;
        await respond.edit(renderDigestStatus(digest.status(caller.userId, here, now)));
        return;
      }
      case "preview": {
        const scope = args.where === "channel" ? { server: true as const, guildId: caller.guildId } : { server: false as const };
        await respond.edit(renderDigestPreview(digest.preview(caller.userId, scope, now)));
        return;
      }
    }
  },

  autocomplete(input): Choice[] {
    if (input.focused.name !== "timezone") return [];
    const typed = input.focused.value.trim().toLowerCase();
    const starts = TIME_ZONES.filter((z) => z.toLowerCase().startsWith(typed));
    const contains = TIME_ZONES.filter((z) => !z.toLowerCase().startsWith(typed) && z.toLowerCase().includes(typed));
    return [...starts, ...contains].slice(0, 25).map((z) => ({ name: z, value: z }));
  },
});
