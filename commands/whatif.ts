/** /whatif: proposed weights (typed, or an /allocate method's suggestion) against the current ones, and the payout-rule simulation. */
import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand } from "../src/discord/command.js";
import { renderWhatIf } from "../src/discord/render/what-if.js";
import { ALLOCATION_METHOD_NAMES } from "../src/services/portfolio.js";
import { UserFacingError } from "../src/errors.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "whatif",
    description: "Proposed weights against your current ones, in and out of sample, and simulated payout rules",
    options: [
      { type: ApplicationCommandOptionType.String, name: "weights", description: 'Proposed shares, e.g. "a=0.5 b=0.3 c=0.2" (divided by their sum if not 1)', max_length: 1000 },
      {
        type: ApplicationCommandOptionType.String,
        name: "method",
        description: "Or: the suggestion of an /allocate method",
        choices: Object.keys(ALLOCATION_METHOD_NAMES).map((m) => ({ name: m, value: m })),
      },
      roundsOption,
      scoreOption,
      missingOption,
      publicOption,
    ],
  },
  async execute({ args, caller, respond }, ctx) {
    const { weights, method } = args;
    if ((weights === undefined) === (method === undefined)) {
      throw new UserFacingError('Give either weights (e.g. weights:"a=0.5 b=0.5") or method, not both or neither.');
    }
    await respond.defer({ ephemeral: isEphemeral(args) });
    const result = ctx.services.whatIf.whatIf({ userId: caller.userId }, { ...analysisOf(args), proposal: weights !== undefined ? { weights } : { method: method as string } });
    await respond.edit(renderWhatIf(result));
  },
  autocomplete: analysisAutocomplete,
});
