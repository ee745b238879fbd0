/**
 * /models add | remove | list | weight | weight-source. Declaring a weight and choosing the
 * weight source are two subcommands because a Discord subcommand has one fixed set of options.
 */
import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand } from "../src/discord/command.js";
import {
  renderModelAdded,
  renderModelList,
  renderModelNotAdded,
  renderModelRemoved,
  renderModelsAdded,
  renderModelsRemoved,
  renderScoresFailed,
  renderScoresReady,
  renderWeightsSet,
  renderWeightSource,
  WEIGHT_POLICY_CHOICES,
} from "../src/discord/render/models.js";
import { isUserFacing, UserFacingError } from "../src/errors.js";
import { MAX_DECLARED_WEIGHT, parseModelNames, parseWeightList } from "../src/services/registrations.js";
import { ownModelChoices } from "./options.js";

/** Room for a few dozen names in one option. */
const MAX_NAMES_CHARS = 2000;
/** Progress edits of one reply: at most one per this interval (Discord rate-limits edits), plus the last. */
const PROGRESS_EDIT_MS = 2000;

export const command = defineCommand({
  definition: {
    name: "models",
    description: "Your Numerai models: add, remove, list, weights",
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "add",
        description: "Track Numerai models by name, or every model of an account (scores are fetched after)",
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: "name",
            description: "One or more Numerai model names, separated by spaces",
            max_length: MAX_NAMES_CHARS,
            autocomplete: true,
          },
          { type: ApplicationCommandOptionType.String, name: "account", description: "A Numerai account: adds all its models", max_length: 64 },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "remove",
        description: "Stop tracking one or more of your models",
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: "model",
            description: "One or more of your models, separated by spaces",
            required: true,
            max_length: MAX_NAMES_CHARS,
            autocomplete: true,
          },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "list", description: "Your models with their latest scores and weights" },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "weight",
        description: "Declare models' shares of your portfolio (0.3 = 30%), or clear them",
        options: [
          { type: ApplicationCommandOptionType.String, name: "model", description: "One of your models", max_length: 64, autocomplete: true },
          {
            type: ApplicationCommandOptionType.Number,
            name: "weight",
            description: "Its share, 0–1 (0 leaves it out); leave this out to clear it",
            min_value: 0,
            max_value: MAX_DECLARED_WEIGHT,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: "weights",
            description: 'Several at once: "model_a=0.5 model_b=0.3 model_c=clear"',
            max_length: MAX_NAMES_CHARS,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "weight-source",
        description: "Which weights portfolio views use",
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: "source",
            description: "declared (yours), api (Numerai stakes at risk) or equal",
            required: true,
            choices: WEIGHT_POLICY_CHOICES,
          },
        ],
      },
    ],
  },
  lane: "quick",
  async execute({ args, caller, respond }, ctx) {
    const { registrations } = ctx.services;
    switch (args.subcommand) {
      case "add": {
        const names = args.name ?? null;
        const account = args.account ?? null;
        if ((names === null) === (account === null)) {
          throw new UserFacingError('Give either name (one or more model names) or account (a Numerai account), e.g. /models add account:your_account.');
        }
        const list = names === null ? [] : parseModelNames(names);
        await respond.defer({ ephemeral: true });
        if (account === null && list.length === 1) {
          // One model: the short reply, and a follow-up when its scores are in.
          const { model, alreadyHad } = await registrations.add(caller.userId, list[0] as string);
          await respond.edit(model.unchecked === null ? renderModelAdded(model.name, alreadyHad) : renderModelsAdded({ added: [model], alreadyHad: [], account: null }));
          if (!alreadyHad && model.unchecked === null) {
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
        const result = account === null ? await registrations.addMany(caller.userId, list) : await registrations.addAccount(caller.userId, account);
        await respond.edit(renderModelsAdded(result));
        const checked = result.added.filter((m) => m.unchecked === null);
        if (checked.length > 0) {
          // One message, edited as the histories come in.
          ctx.background("model-histories", async () => {
            let lastEdit = Date.now();
            const final = await ctx.services.ingestion.fetchHistories(checked, {
              userId: caller.userId,
              onProgress: async (p) => {
                if (p.done === p.total || Date.now() - lastEdit < PROGRESS_EDIT_MS) return;
                lastEdit = Date.now();
                await respond.edit(renderModelsAdded(result, p));
              },
            });
            await respond.edit(renderModelsAdded(result, final));
          });
        }
        return;
      }
      case "remove": {
        await respond.defer({ ephemeral: true });
        const removed = registrations.removeMany(caller.userId, args.model);
        await respond.edit(removed.names.length === 1 ? renderModelRemoved(removed.names[0] as string) : renderModelsRemoved(removed.names));
        return;
      }
      case "list": {
        await respond.defer({ ephemeral: true });
        const overview = ctx.services.modelOverview.listWithLatest(caller.userId);
        await respond.edit(renderModelList(overview));
        return;
      }
      case "weight": {
        const { model: name, weights: list, weight } = args;
        if ((name === undefined) === (list === undefined)) {
          throw new UserFacingError('Give either model (and its weight, or no weight to clear it) or weights:"model_a=0.5 model_b=0.3".');
        }
        if (list !== undefined && weight !== undefined) throw new UserFacingError("With weights, give each share in the list (model_a=0.5), not in weight.");
        const entries = list === undefined ? [{ name: name as string, weight: weight ?? null }] : parseWeightList(list);
        await respond.defer({ ephemeral: true });
        const set = registrations.setDeclaredWeights(caller.userId, entries);
        await respond.edit(renderWeightsSet(set, ctx.services.modelOverview.listWithLatest(caller.userId)));
        return;
      }
      case "weight-source": {
        const { source } = args;
        await respond.defer({ ephemeral: true });
        registrations.setWeightSource(caller.userId, source);
        await respond.edit(renderWeightSource(source));
        return;
      }
    }
  },
  autocomplete(input, ctx) {
    // Lists complete their last name; the names before it are kept as typed.
    const typed = input.focused.value;
    const cut = Math.max(typed.lastIndexOf(" "), typed.lastIndexOf(","));
    const head = cut >= 0 ? typed.slice(0, cut + 1) : "";
    const last = typed.slice(cut + 1);
    const own = input.options.getSubcommand() === "add" ? null : ownModelChoices({ ...input, focused: { ...input.focused, value: last } }, ctx);
    const names = own ? own.map((c) => c.value) : ctx.services.registrations.suggestKnown(last);
    return names.map((n) => ({ name: head + n, value: head + n }));
  },
});
