/** /alerts subscribe | unsubscribe | list — be told when the portfolio changes, at most once a day. */
import { ChannelType, SlashCommandBuilder } from "discord.js";
import type { Caller, Command } from "../src/discord/command.js";
import { ALERT_KIND_CHOICES, renderAlertList, renderAlertSubscribed, renderAlertUnsubscribed, THRESHOLD_HELP } from "../src/discord/render/alerts.js";
import { safeName } from "../src/discord/render/format.js";
import { UserFacingError } from "../src/errors.js";
import { ALERT_ROUNDS, DM_ALERT_TARGET, type AlertTarget } from "../src/services/alerts.js";

const data = new SlashCommandBuilder()
  .setName("alerts")
  .setDescription("Be told when your portfolio changes: near-duplicates, drawdowns, fewer bets, missed rounds")
  .addSubcommand((s) =>
    s
      .setName("subscribe")
      .setDescription("Start (or change) one kind of alert; all your alerts go to one place, at most once a day")
      .addStringOption((o) =>
        o
          .setName("kind")
          .setDescription("What to be told about")
          .setRequired(true)
          .addChoices(...ALERT_KIND_CHOICES),
      )
      .addNumberOption((o) => o.setName("threshold").setDescription(THRESHOLD_HELP))
      .addIntegerOption((o) =>
        o
          .setName("rounds")
          .setDescription(`Window: the last N resolved rounds (default ${ALERT_ROUNDS.default}; not for missed-rounds)`)
          .setMinValue(ALERT_ROUNDS.min)
          .setMaxValue(ALERT_ROUNDS.max),
      )
      .addStringOption((o) =>
        o
          .setName("where")
          .setDescription("Your DMs (default), or this channel (Manage Channels)")
          .addChoices({ name: "my direct messages", value: "dm" }, { name: "this channel", value: "channel" }),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName("unsubscribe")
      .setDescription("Stop one kind of alert")
      .addStringOption((o) =>
        o
          .setName("kind")
          .setDescription("The alert to stop")
          .setRequired(true)
          .addChoices(...ALERT_KIND_CHOICES),
      ),
  )
  .addSubcommand((s) => s.setName("list").setDescription("Your alerts, where they go, and whether Discord turned any off"));

/** A channel target, checked server-side: a text or announcement channel, and Manage Channels there. */
function channelTarget(caller: Caller): AlertTarget {
  if (!caller.guildId || !caller.channelId) throw new UserFacingError("Channel alerts work in a server channel; in DMs use where: my direct messages.");
  if (!caller.canManageChannels) throw new UserFacingError("Sending alerts to a channel needs the Manage Channels permission; leave out where: to get them in your DMs.");
  if (caller.channelType !== ChannelType.GuildText && caller.channelType !== ChannelType.GuildAnnouncement) {
    throw new UserFacingError("Alerts can go to a text or announcement channel; run this there, or leave out where: for your DMs.");
  }
  return { target: "channel", guildId: caller.guildId, channelId: caller.channelId };
}

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    await respond.defer({ ephemeral: true });
    const alerts = ctx.services.alerts;
    const sub = options.getSubcommand();
    const now = new Date();
    if (sub === "subscribe") {
      const target = (options.getString("where") ?? "dm") === "channel" ? channelTarget(caller) : DM_ALERT_TARGET;
      const request = { kind: options.getString("kind") ?? "", threshold: options.getNumber("threshold"), rounds: options.getInteger("rounds") };
      await respond.edit(renderAlertSubscribed(alerts.subscribe(caller.userId, target, request, now)));
      return;
    }
    if (sub === "unsubscribe") {
      const r = alerts.unsubscribe(caller.userId, options.getString("kind") ?? "", now);
      await respond.edit(renderAlertUnsubscribed(r.kind, r.changed));
      return;
    }
    if (sub === "list") {
      await respond.edit(renderAlertList(alerts.list(caller.userId)));
      return;
    }
    throw new UserFacingError(`Unknown /alerts subcommand ${safeName(sub ?? "", 20)}.`);
  },
};
