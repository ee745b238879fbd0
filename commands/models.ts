/**
 * /models add | remove | list | weight | weight-source. Declaring a weight and choosing the
 * weight source are two subcommands because a Discord subcommand has one fixed set of options.
 */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import {
  renderModelAdded,
  renderModelList,
  renderModelNotAdded,
  renderModelRemoved,
  renderScoresFailed,
  renderScoresReady,
  renderWeightSet,
  renderWeightSource,
} from "../src/discord/render/models.js";
import { isUserFacing, UserFacingError } from "../src/errors.js";
import { MAX_DECLARED_WEIGHT } from "../src/services/registrations.js";
import { modelOption, ownModelChoices } from "./options.js";

const WEIGHT_SOURCES = ["declared", "api", "equal"] as const;

const data = new SlashCommandBuilder()
  .setName("models")
  .setDescription("Your Numerai models: add, remove, list, weights")
  .addSubcommand((s) =>
    s
      .setName("add")
      .setDescription("Track a Numerai model (its scores are fetched in the background)")
      .addStringOption((o) => o.setName("name").setDescription("Numerai model name").setRequired(true).setMaxLength(64).setAutocomplete(true)),
  )
  .addSubcommand((s) => s.setName("remove").setDescription("Stop tracking one of your models").addStringOption(modelOption(true)))
  .addSubcommand((s) => s.setName("list").setDescription("Your models with their latest scores and weights"))
  .addSubcommand((s) =>
    s
      .setName("weight")
      .setDescription("Declare a model's weight (e.g. its stake) for portfolio views")
      .addStringOption(modelOption(true))
      .addNumberOption((o) =>
        o.setName("weight").setDescription("Weight, e.g. NMR staked; 0 leaves it out").setRequired(true).setMinValue(0).setMaxValue(MAX_DECLARED_WEIGHT),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName("weight-source")
      .setDescription("Which weights portfolio views use")
      .addStringOption((o) =>
        o
          .setName("source")
          .setDescription("declared (yours), api (Numerai stakes at risk) or equal")
          .setRequired(true)
          .addChoices(
            { name: "declared — the weights you set", value: "declared" },
            { name: "api — stakes at risk from Numerai", value: "api" },
            { name: "equal — the same for every model", value: "equal" },
          ),
      ),
  );

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const sub = options.getSubcommand();
    const { registrations } = ctx.services;
    switch (sub) {
      case "add": {
        const name = options.getString("name") ?? "";
        await respond.defer({ ephemeral: true });
        const { model, alreadyHad } = await registrations.add(caller.userId, name);
        await respond.edit(renderModelAdded(model.name, alreadyHad));
        if (!alreadyHad) {
          ctx.background("model-history", async () => {
            try {
              const { rounds } = await ctx.services.ingestion.fetchAddedModelHistory(model.id, caller.userId);
              await respond.followUp({ ...renderScoresReady(model.name, rounds), ephemeral: true });
            } catch (err) {
              // A sentence for the user (the disk is full: the model was not added), else "try again later".
              const reply = isUserFacing(err) ? renderModelNotAdded(err.message) : renderScoresFailed(model.name);
              await respond.followUp({ ...reply, ephemeral: true }).catch(() => undefined);
              throw err; // background() logs it
            }
          });
        }
        return;
      }
      case "remove": {
        const name = options.getString("model") ?? "";
        await respond.defer({ ephemeral: true });
        const removed = registrations.remove(caller.userId, name);
        await respond.edit(renderModelRemoved(removed.name));
        return;
      }
      case "list": {
        await respond.defer({ ephemeral: true });
        const overview = ctx.services.modelOverview.listWithLatest(caller.userId);
        await respond.edit(renderModelList(overview));
        return;
      }
      case "weight": {
        const name = options.getString("model") ?? "";
        const weight = options.getNumber("weight");
        await respond.defer({ ephemeral: true });
        const set = registrations.setDeclaredWeight(caller.userId, name, weight);
        await respond.edit(renderWeightSet(set.name, set.weight));
        return;
      }
      case "weight-source": {
        const raw = options.getString("source");
        const source = WEIGHT_SOURCES.find((s) => s === raw);
        if (!source) throw new UserFacingError("The weight source is one of: declared, api, equal.");
        await respond.defer({ ephemeral: true });
        registrations.setWeightSource(caller.userId, source);
        await respond.edit(renderWeightSource(source));
        return;
      }
      default:
        throw new UserFacingError("Use /models add, remove, list, weight or weight-source.");
    }
  },
  autocomplete(input, ctx) {
    if (input.options.getSubcommand() === "add") {
      return ctx.services.registrations.suggestKnown(input.focused.value).map((n) => ({ name: n, value: n }));
    }
    return ownModelChoices(input, ctx);
  },
};
