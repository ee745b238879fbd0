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
  renderModelsAdded,
  renderModelsRemoved,
  renderScoresFailed,
  renderScoresReady,
  renderWeightsSet,
  renderWeightSource,
  WEIGHT_POLICY_CHOICES,
} from "../src/discord/render/models.js";
import { WEIGHT_POLICIES } from "../src/analytics/weights.js";
import { isUserFacing, UserFacingError } from "../src/errors.js";
import { MAX_DECLARED_WEIGHT, parseModelNames, parseWeightList } from "../src/services/registrations.js";
import { ownModelChoices } from "./options.js";

/** Room for a few dozen names in one option. */
const MAX_NAMES_CHARS = 2000;
/** Progress edits of one reply: at most one per this interval (Discord rate-limits edits), plus the last. */
const PROGRESS_EDIT_MS = 2000;

const data = new SlashCommandBuilder()
  .setName("models")
  .setDescription("Your Numerai models: add, remove, list, weights")
  .addSubcommand((s) =>
    s
      .setName("add")
      .setDescription("Track Numerai models by name, or every model of an account (scores are fetched after)")
      .addStringOption((o) =>
        o.setName("name").setDescription("One or more Numerai model names, separated by spaces").setMaxLength(MAX_NAMES_CHARS).setAutocomplete(true),
      )
      .addStringOption((o) => o.setName("account").setDescription("A Numerai account: adds all its models").setMaxLength(64)),
  )
  .addSubcommand((s) =>
    s
      .setName("remove")
      .setDescription("Stop tracking one or more of your models")
      .addStringOption((o) =>
        o.setName("model").setDescription("One or more of your models, separated by spaces").setRequired(true).setMaxLength(MAX_NAMES_CHARS).setAutocomplete(true),
      ),
  )
  .addSubcommand((s) => s.setName("list").setDescription("Your models with their latest scores and weights"))
  .addSubcommand((s) =>
    s
      .setName("weight")
      .setDescription("Declare models' shares of your portfolio (0.3 = 30%), or clear them")
      .addStringOption((o) => o.setName("model").setDescription("One of your models").setMaxLength(64).setAutocomplete(true))
      .addNumberOption((o) =>
        o.setName("weight").setDescription("Its share, 0–1 (0 leaves it out); leave this out to clear it").setMinValue(0).setMaxValue(MAX_DECLARED_WEIGHT),
      )
      .addStringOption((o) =>
        o.setName("weights").setDescription('Several at once: "model_a=0.5 model_b=0.3 model_c=clear"').setMaxLength(MAX_NAMES_CHARS),
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
          .addChoices(...WEIGHT_POLICY_CHOICES),
      ),
  );

export const command: Command = {
  data,
  lane: "quick",
  async execute({ options, caller, respond }, ctx) {
    const sub = options.getSubcommand();
    const { registrations } = ctx.services;
    switch (sub) {
      case "add": {
        const names = options.getString("name");
        const account = options.getString("account");
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
        const names = options.getString("model") ?? "";
        await respond.defer({ ephemeral: true });
        const removed = registrations.removeMany(caller.userId, names);
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
        const name = options.getString("model");
        const list = options.getString("weights");
        if ((name === null) === (list === null)) {
          throw new UserFacingError('Give either model (and its weight, or no weight to clear it) or weights:"model_a=0.5 model_b=0.3".');
        }
        if (list !== null && options.getNumber("weight") !== null) throw new UserFacingError("With weights, give each share in the list (model_a=0.5), not in weight.");
        const entries = list === null ? [{ name: name as string, weight: options.getNumber("weight") }] : parseWeightList(list);
        await respond.defer({ ephemeral: true });
        const set = registrations.setDeclaredWeights(caller.userId, entries);
        await respond.edit(renderWeightsSet(set, ctx.services.modelOverview.listWithLatest(caller.userId)));
        return;
      }
      case "weight-source": {
        const raw = options.getString("source");
        const source = WEIGHT_POLICIES.find((s) => s === raw);
        if (!source) throw new UserFacingError(`The weight source is one of: ${WEIGHT_POLICIES.join(", ")}.`);
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
    // Lists complete their last name; the names before it are kept as typed.
    const typed = input.focused.value;
    const cut = Math.max(typed.lastIndexOf(" "), typed.lastIndexOf(","));
    const head = cut >= 0 ? typed.slice(0, cut + 1) : "";
    const last = typed.slice(cut + 1);
    const own = input.options.getSubcommand() === "add" ? null : ownModelChoices({ ...input, focused: { ...input.focused, value: last } }, ctx);
    const names = own ? own.map((c) => c.value) : ctx.services.registrations.suggestKnown(last);
    return names.map((n) => ({ name: head + n, value: head + n }));
  },
};
