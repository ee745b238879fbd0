/** /help: every command and how its numbers are defined. */
import { defineCommand } from "../src/discord/command.js";
import { renderHelp } from "../src/discord/render/help.js";

export const command = defineCommand({
  definition: { name: "help", description: "Every command, and how the numbers are defined" },
  lane: "quick",
  async execute({ respond }) {
    await respond.defer({ ephemeral: true });
    await respond.edit(renderHelp());
  },
});
