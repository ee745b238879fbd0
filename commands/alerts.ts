/** /alerts subscribe | unsubscribe | list — be told when the portfolio changes, at most once a day. */
import { ApplicationCommandOptionType, ChannelType } from "discord.js";
import { defineCommand, type Caller } from "../src/discord/command.js";
import { ALERT_KIND_CHOICES, renderAlertList, renderAlertSubscribed, renderAlertUnsubscribed, THRESHOLD_HELP } from "../src/discord/render/alerts.js";
import { UserFacingError } from "../src/errors.js";
import { ALERT_ROUNDS, DM_ALERT_TARGET, type AlertTarget } from "../src/services/alerts.js";

/** A channel target, checked server-side: a text or announcement channel, and Manage Channels there. */
function channelTarget(caller: Caller): AlertTarget {
  if (!caller.guildId || !caller.channelId) throw new UserFacingError("Channel alerts work in a server channel; in DMs use where: my direct messages.");
  if (!caller.canManageChannels) throw new UserFacingError("Sending alerts to a channel needs the Manage Channels permission; leave out where: to get them in your DMs.");
  if (caller.channelType !== ChannelType.GuildText && caller.channelType !== ChannelType.GuildAnnouncement) {
    throw new UserFacingError("Alerts can go to a text or announcement channel; run this there, or leave out where: for your DMs.");
  }
  return { target: "channel", guildId: caller.guildId, channelId: caller.channelId };
}

export const command = defineCommand({
  definition: {
    name: "alerts",
    description: "Be told when your portfolio changes: near-duplicates, drawdowns, fewer bets, missed rounds",
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "subscribe",
        description: "Start (or change) one kind of alert; all your alerts go to one place, at most once a day",
        options: [
          { type: ApplicationCommandOptionType.String, name: "kind", description: "What to be told about", required: true, choices: ALERT_KIND_CHOICES },
          { type: ApplicationCommandOptionType.Number, name: "threshold", description: THRESHOLD_HELP },
          {
            type: ApplicationCommandOptionType.Integer,
            name: "rounds",
            description: `Window: the last N resolved rounds (default ${ALERT_ROUNDS.default}; not for missed-rounds)`,
            min_value: ALERT_ROUNDS.min,
            max_value: ALERT_ROUNDS.max,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: "where",
            description: "Your DMs (default), or this channel (Manage Channels)",
            choices: [
              { name: "my direct messages", value: "dm" },
              { name: "this channel", value: "channel" },
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "unsubscribe",
        description: "Stop one kind of alert",
        options: [{ type: ApplicationCommandOptionType.String, name: "kind", description: "The alert to stop", required: true, choices: ALERT_KIND_CHOICES }],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "list", description: "Your alerts, where they go, and whether Discord turned any off" },
    ],
  },
  async execute({ args, caller, respond }, ctx) {
    await respond.defer({ ephemeral: true });
    const alerts = ctx.services.alerts;
    const now = new Date();
    switch (args.subcommand) {
      case "subscribe": {
        const target = args.where === "channel" ? channelTarget(caller) : DM_ALERT_TARGET;
        const request = { kind: args.kind, threshold: args.threshold ?? null, rounds: args.rounds ?? null };
        await respond.edit(renderAlertSubscribed(alerts.subscribe(caller.userId, target, request, now)));
        return;
      }
      case "unsubscribe": {
        const r = alerts.unsubscribe(caller.userId, args.kind, now);
        await respond.edit(renderAlertUnsubscribed(r.kind, r.changed));
        return;
      }
      case "list":
        await respond.edit(renderAlertList(alerts.list(caller.userId)));
        return;
    }
  },
});
