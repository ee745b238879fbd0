/** /digest subscribe | unsubscribe | status | preview — the weekly diversification digest. */
import { ChannelType, SlashCommandBuilder, type SlashCommandStringOption } from "discord.js";
import type { Caller, Choice, Command } from "../src/discord/command.js";
import { renderDigestPreview, renderDigestStatus, renderSubscribed, renderUnsubscribed, WEEKDAY_CHOICES } from "../src/discord/render/digest.js";
import { safeName } from "../src/discord/render/format.js";
import { UserFacingError } from "../src/errors.js";
import { TIME_ZONES } from "../src/services/digest/schedule.js";
import { DM_TARGET, type DigestTarget } from "../src/services/digest/service.js";

const whereOption = (description: string) => (o: SlashCommandStringOption) =>
  o
    .setName("where")
    .setDescription(description)
    .addChoices({ name: "my direct messages", value: "dm" }, { name: "this channel (server digest)", value: "channel" });

const data = new SlashCommandBuilder()
  .setName("digest")
  .setDescription("A weekly summary of how your portfolio of models did and how diversified it is")
  .addSubcommand((s) =>
    s
      .setName("subscribe")
      .setDescription("Get the digest every week (default: your DMs, Monday 13:00 UTC)")
      .addStringOption(whereOption("Your DMs (default), or this channel for every opted-in member (Manage Channels)"))
      .addStringOption((o) =>
        o
          .setName("day")
          .setDescription("Day of the week (default Monday)")
          .addChoices(...WEEKDAY_CHOICES),
      )
      .addIntegerOption((o) => o.setName("hour").setDescription("Hour of the day, 0–23, in your timezone (default 13)").setMinValue(0).setMaxValue(23))
      .addStringOption((o) =>
        o.setName("timezone").setDescription("IANA timezone such as Europe/Paris (default UTC)").setMaxLength(64).setAutocomplete(true),
      ),
  )
  .addSubcommand((s) =>
    s.setName("unsubscribe").setDescription("Stop the weekly digest").addStringOption(whereOption("Your DMs (default) or this channel")),
  )
  .addSubcommand((s) => s.setName("status").setDescription("Where and when your digest goes, and how the last one went"))
  .addSubcommand((s) =>
    s
      .setName("preview")
      .setDescription("This week's digest now, only for you (posts nothing)")
      .addStringOption(whereOption("Your personal digest (default) or this server's")),
  );

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

export const command: Command = {
  data,
  lane: { subscribe: "quick", unsubscribe: "quick", status: "quick" },
  async execute({ options, caller, respond }, ctx) {
    await respond.defer({ ephemeral: true });
    const digest = ctx.services.digest;
    const sub = options.getSubcommand();
    const where = options.getString("where") ?? "dm";
    const now = new Date();

    if (sub === "subscribe") {
      const target = targetOf(where, caller);
      const request = { day: options.getString("day"), hour: options.getInteger("hour"), timezone: options.getString("timezone") };
      await respond.edit(renderSubscribed(digest.subscribe(caller.userId, target, request, now)));
      return;
    }
    if (sub === "unsubscribe") {
      const target = targetOf(where, caller);
      await respond.edit(renderUnsubscribed(target.kind, digest.unsubscribe(caller.userId, target, now)));
      return;
    }
    if (sub === "status") {
      const here = caller.channelId && caller.guildId ? { channelId: caller.channelId, parentChannelId: caller.parentChannelId ?? null } : null;
      await respond.edit(renderDigestStatus(digest.status(caller.userId, here, now)));
      return;
    }
    if (sub === "preview") {
      const scope = where === "channel" ? { server: true as const, guildId: caller.guildId } : { server: false as const };
      await respond.edit(renderDigestPreview(digest.preview(caller.userId, scope, now)));
      return;
    }
    throw new UserFacingError(`Unknown /digest subcommand ${safeName(sub ?? "", 20)}.`);
  },

  autocomplete(input): Choice[] {
    if (input.focused.name !== "timezone") return [];
    const typed = input.focused.value.trim().toLowerCase();
    const starts = TIME_ZONES.filter((z) => z.toLowerCase().startsWith(typed));
    const contains = TIME_ZONES.filter((z) => !z.toLowerCase().startsWith(typed) && z.toLowerCase().includes(typed));
    return [...starts, ...contains].slice(0, 25).map((z) => ({ name: z, value: z }));
  },
};
