/** /whatif: proposed weights (typed, or an /allocate method's suggestion) against the current ones, and the payout-rule simulation. */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { renderWhatIf } from "../src/discord/render/what-if.js";
import { ALLOCATION_METHOD_NAMES } from "../src/services/portfolio.js";
import { UserFacingError } from "../src/errors.js";
import { analysisAutocomplete, isEphemeral, missingOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("whatif")
  .setDescription("Proposed weights against your current ones, in and out of sample, and simulated payout rules")
  .addStringOption((o) => o.setName("weights").setDescription('Proposed shares, e.g. "a=0.5 b=0.3 c=0.2" (divided by their sum if not 1)').setMaxLength(1000))
  .addStringOption((o) =>
    o
      .setName("method")
      .setDescription("Or: the suggestion of an /allocate method")
      .addChoices(...Object.keys(ALLOCATION_METHOD_NAMES).map((m) => ({ name: m, value: m }))),
  )
  .addIntegerOption(roundsOption)
  .addStringOption(scoreOption)
  .addStringOption(missingOption)
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const analysis = readAnalysisOptions(options);
    const weights = options.getString("weights");
    const method = options.getString("method");
    if ((weights === null) === (method === null)) {
      throw new UserFacingError('Give either weights (e.g. weights:"a=0.5 b=0.5") or method, not both or neither.');
    }
    await respond.defer({ ephemeral: isEphemeral(options) });
    const result = ctx.services.whatIf.whatIf({ userId: caller.userId }, { ...analysis, proposal: weights !== null ? { weights } : { method: method as string } });
    await respond.edit(renderWhatIf(result));
  },
  autocomplete: analysisAutocomplete,
};
