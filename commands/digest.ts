/** /digest subscribe | unsubscribe | status | preview — the weekly diversification digest. */
import { ChannelType, SlashCommandBuilder, type SlashCommandStringOption } from "discord.js";
import type { Caller, Choice, Command, CommandOptions } from "../src/discord/command.js";
import { createDigestRepository, targetKeyOf, type DigestKind, type Subscription } from "../src/db/repositories/digests.js";
import { renderServerDigest, renderWeeklyDigest } from "../src/discord/render/digest.js";
import { COLORS, safeName, utc } from "../src/discord/render/format.js";
import type { MessagePayload } from "../src/discord/render/payload.js";
import { UserFacingError } from "../src/errors.js";
import { quoteInput } from "../src/services/quote-input.js";
import {
  buildDigestFor,
  buildServerDigest,
  canonicalTimeZone,
  createDigestLoader,
  DEFAULT_SCHEDULE,
  localTime,
  nextOccurrence,
  WEEKDAYS,
  type DigestSchedule,
} from "../src/services/digest.js";

const DAY_LABELS = WEEKDAYS.map((d) => d[0]?.toUpperCase() + d.slice(1));

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
          .addChoices(...WEEKDAYS.map((d, i) => ({ name: DAY_LABELS[i] as string, value: d }))),
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
function channelTarget(caller: Caller): { kind: DigestKind; guildId: string; channelId: string } {
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

function parseWeekday(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const i = WEEKDAYS.indexOf(raw.trim().toLowerCase() as (typeof WEEKDAYS)[number]);
  if (i < 0) throw new UserFacingError(`"${quoteInput(raw, 20)}" is not a day of the week.`);
  return i + 1;
}

function parseSchedule(options: CommandOptions, existing: Subscription | undefined): DigestSchedule {
  const base = existing ?? DEFAULT_SCHEDULE;
  const rawZone = options.getString("timezone");
  let timezone = base.timezone;
  if (rawZone !== null) {
    const canonical = canonicalTimeZone(rawZone);
    if (!canonical) throw new UserFacingError(`"${quoteInput(rawZone, 64)}" is not a timezone I know. Use an IANA name such as Europe/Paris, America/New_York or UTC.`);
    timezone = canonical;
  }
  const hour = options.getInteger("hour") ?? base.hour;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new UserFacingError("The hour must be a whole number from 0 to 23.");
  return { weekday: parseWeekday(options.getString("day"), base.weekday), hour, timezone };
}

/** "Mondays at 13:00 (Europe/Paris)". */
export function scheduleText(s: DigestSchedule): string {
  return `${DAY_LABELS[s.weekday - 1] ?? "?"}s at ${String(s.hour).padStart(2, "0")}:00 (${s.timezone})`;
}

function localText(at: Date, timezone: string): string {
  const t = localTime(at.getTime(), timezone);
  const local = `${t.year}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")} ${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
  return timezone === "UTC" ? utc(at) : `${local} ${timezone} (${utc(at)})`;
}

const placeText = (s: Pick<Subscription, "kind" | "channelId">) =>
  s.kind === "dm" ? "your direct messages" : s.kind === "forum" ? `a new post in <#${s.channelId}> each week` : `<#${s.channelId}>`;

function messageLink(s: Subscription, channelId: string | null, messageId: string | null): string {
  if (!channelId || !messageId) return "";
  return ` — https://discord.com/channels/${s.guildId ?? "@me"}/${channelId}/${messageId}`;
}

function statusLines(s: Subscription, last: ReturnType<ReturnType<typeof createDigestRepository>["lastDelivery"]>, now: Date): string[] {
  const lines = [`**Where:** ${placeText(s)}`, `**When:** ${scheduleText(s)}`];
  if (s.status === "active") {
    const next = nextOccurrence(new Date(Math.max(now.getTime(), s.activeFrom.getTime() - 1)), s);
    lines.push(`**Next:** ${localText(next.at, s.timezone)}`);
  } else if (s.status === "disabled") {
    lines.push(`**Turned off** ${utc(s.disabledAt)}: ${s.disabledReason ?? "Discord refused it"}. Run /digest subscribe there again once that is fixed.`);
  } else {
    lines.push("**Unsubscribed.**");
  }
  if (last) {
    const detail = last.detail ? ` (${last.detail})` : "";
    lines.push(`**Last:** week of ${last.week} — ${last.status}${detail}${last.status === "sent" ? messageLink(s, last.channelId, last.messageId) : ""}`);
  } else {
    lines.push("**Last:** none yet.");
  }
  return lines;
}

function info(title: string, description: string): MessagePayload {
  return { embeds: [{ title, description, color: COLORS.info }] };
}

/** Every IANA zone the runtime knows, for autocomplete. */
const ZONES: readonly string[] = (() => {
  try {
    return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  } catch {
    return ["UTC"];
  }
})();

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    await respond.defer({ ephemeral: true });
    const repo = createDigestRepository(ctx.store, ctx.config.numeraiTournament);
    const sub = options.getSubcommand();
    const where = options.getString("where") ?? "dm";
    const now = new Date();

    if (sub === "subscribe") {
      const target = where === "channel" ? channelTarget(caller) : { kind: "dm" as const, guildId: null, channelId: null };
      const key = targetKeyOf({ ...target, discordUserId: caller.userId });
      const existing = repo.findByTarget(key);
      const schedule = parseSchedule(options, existing?.status === "active" ? existing : undefined);
      const { subscription, created } = repo.subscribe({ ...target, discordUserId: caller.userId, ...schedule }, now);
      const first = nextOccurrence(now, schedule);
      const lines = [
        `${created ? "Subscribed" : "Updated"}: the digest goes to ${placeText(subscription)}, ${scheduleText(schedule)}.`,
        `First one: ${localText(first.at, schedule.timezone)}. Nothing is posted before then; /digest preview shows this week's now.`,
      ];
      if (target.kind === "dm" && ctx.services.repos.registrations.listForUser(caller.userId).length === 0) {
        lines.push("You have no models yet: add them with /models add, or the digest has nothing to say.");
      }
      if (target.kind !== "dm") lines.push("Members appear in it once they opt in with /server optin.");
      ctx.logger.info({ subscriptionId: subscription.id, kind: subscription.kind, userId: caller.userId, guildId: caller.guildId }, "digest subscribed");
      await respond.edit(info("Weekly digest", lines.join("\n")));
      return;
    }

    if (sub === "unsubscribe") {
      const target = where === "channel" ? channelTarget(caller) : { kind: "dm" as const, guildId: null, channelId: null };
      const changed = repo.unsubscribe(targetKeyOf({ ...target, discordUserId: caller.userId }), now);
      ctx.logger.info({ kind: target.kind, userId: caller.userId, guildId: caller.guildId, changed }, "digest unsubscribed");
      await respond.edit(
        info("Weekly digest", changed ? `Unsubscribed: no more digests in ${target.kind === "dm" ? "your direct messages" : "this channel"}.` : "There was no active digest subscription there."),
      );
      return;
    }

    if (sub === "status") {
      const found: Subscription[] = [];
      const dm = repo.findByTarget(targetKeyOf({ kind: "dm", discordUserId: caller.userId, channelId: null }));
      if (dm) found.push(dm);
      if (caller.channelId && caller.guildId) {
        const here = repo.findByTarget(targetKeyOf({ kind: "channel", discordUserId: caller.userId, channelId: caller.channelId }));
        if (here) found.push(here);
        const parent = caller.parentChannelId;
        const forum = parent ? repo.findByTarget(targetKeyOf({ kind: "forum", discordUserId: caller.userId, channelId: parent })) : undefined;
        if (forum) found.push(forum);
      }
      if (found.length === 0) {
        await respond.edit(info("Weekly digest", "No digest subscription for you or this channel. /digest subscribe starts one."));
        return;
      }
      await respond.edit({
        embeds: found.map((s) => ({
          title: s.kind === "dm" ? "Your weekly digest" : "This channel's weekly digest",
          description: statusLines(s, repo.lastDelivery(s.id), now).join("\n"),
          color: s.status === "active" ? COLORS.good : s.status === "disabled" ? COLORS.bad : COLORS.neutral,
        })),
      });
      return;
    }

    if (sub === "preview") {
      const loader = createDigestLoader(repo);
      const dm = repo.findByTarget(targetKeyOf({ kind: "dm", discordUserId: caller.userId, channelId: null }));
      const zone = dm?.timezone ?? "UTC";
      const t = localTime(now.getTime(), zone);
      const week = `${t.year}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`;
      if (where === "channel") {
        if (!caller.guildId) throw new UserFacingError("A server digest preview works inside a server.");
        const server = buildServerDigest({ portfolio: ctx.services.portfolio, settings: ctx.services.repos.settings }, loader, caller.guildId, now);
        await respond.edit(renderServerDigest(server, { week, ref: null, preview: true }));
        return;
      }
      const digest = buildDigestFor(loader, caller.userId, now);
      if (!digest) throw new UserFacingError("You have no models yet. Add one with /models add, then preview again.");
      await respond.edit(renderWeeklyDigest(digest, { week, ref: null, preview: true }));
      return;
    }

    throw new UserFacingError(`Unknown /digest subcommand ${safeName(sub ?? "", 20)}.`);
  },

  autocomplete(input): Choice[] {
    if (input.focused.name !== "timezone") return [];
    const typed = input.focused.value.trim().toLowerCase();
    const starts = ZONES.filter((z) => z.toLowerCase().startsWith(typed));
    const contains = ZONES.filter((z) => !z.toLowerCase().startsWith(typed) && z.toLowerCase().includes(typed));
    return [...starts, ...contains].slice(0, 25).map((z) => ({ name: z, value: z }));
  },
};
