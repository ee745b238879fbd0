/** /help: every command and how its numbers are defined. */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { renderHelp } from "../src/discord/render/help.js";

const data = new SlashCommandBuilder().setName("help").setDescription("Every command, and how the numbers are defined");

export const command: Command = {
  data,
  lane: "quick",
  async execute({ respond }) {
    await respond.defer({ ephemeral: true });
    await respond.edit(renderHelp());
  },
};
