/**
 * The one interaction router: finds the command, adapts the discord.js interaction to the
 * command contract, and owns the single error path. A UserFacingError becomes one ephemeral
 * sentence; anything else becomes a short apology with an error id that is also in the log.
 */
import { randomUUID } from "node:crypto";
import {
  AttachmentBuilder,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type StringSelectMenuInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from "discord.js";
import { asStorageError } from "../db/errors.js";
import { isUserFacing } from "../errors.js";
import { NumeraiError } from "../numerai/errors.js";
import type { Logger } from "../logger.js";
import { DEFAULT_LANE, laneOf, type AttachmentInput, type BotContext, type Caller, type Command, type CommandInput, type CommandOptions, type ComponentInput, type Lane, type Responder } from "./command.js";
import { decodeView, isExpired, refusalFor } from "./view-state.js";
import { LIMITS, fitToLimits, truncate, type MessagePayload } from "./render/payload.js";

export function apologyFor(errorId: string): string {
  return `Sorry, something went wrong on our side (error id \`${errorId}\`). Nothing was changed; please try again, and quote the id if it keeps happening.`;
}

/** Runs a command with the one error path. Shared by the Discord router and the shell. */
export async function runCommand(
  command: Command,
  input: Pick<CommandInput, "commandName" | "caller"> & { readonly respond: Pick<Responder, "error"> },
  ctx: BotContext,
  // A component press runs its handler through this same error path.
  work: () => Promise<void> = () => command.execute(input as CommandInput, ctx),
): Promise<void> {
  const log = ctx.logger.child({ command: input.commandName, userId: input.caller.userId, guildId: input.caller.guildId });
  const started = Date.now();
  try {
    await work();
    log.info({ ms: Date.now() - started }, "command done");
  } catch (err) {
    let message: string;
    const storage = isUserFacing(err) ? undefined : asStorageError(err);
    if (storage) {
      // A full or read-only database: a sentence the admin can act on, not an apology.
      log.error({ err, code: storage.code }, "command stopped: the database refused the write");
      message = storage.message;
    } else if (isUserFacing(err)) {
      message = err.message;
      log.info({ reason: err.message }, "command refused");
    } else if (err instanceof NumeraiError) {
      const errorId = randomUUID().slice(0, 8);
      log.warn({ err, errorId }, "Numerai API unavailable");
      message = `Numerai's API is not answering properly right now, so nothing was changed. Please try again in a few minutes (error id \`${errorId}\`).`;
    } else {
      const errorId = randomUUID().slice(0, 8);
      log.error({ err, errorId }, "command failed");
      message = apologyFor(errorId);
    }
    try {
      // Messages may quote user input (a file name, a model name): never past Discord's content limit.
      await input.respond.error({ content: truncate(message, LIMITS.content) });
    } catch (replyErr) {
      log.error({ err: replyErr }, "could not deliver the error reply");
    }
  }
}

export function callerOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction | ButtonInteraction | StringSelectMenuInteraction, adminUserIds: readonly string[]): Caller {
  const isGlobalAdmin = adminUserIds.includes(interaction.user.id);
  const perms = interaction.inGuild() ? interaction.memberPermissions : null;
  return {
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    // Discord's default member permissions only hide commands; this is the server-side check.
    isAdmin: isGlobalAdmin || (perms?.has(PermissionFlagsBits.ManageGuild) ?? false),
    isGlobalAdmin,
    canManageChannels: perms?.has(PermissionFlagsBits.ManageChannels) ?? false,
    channelType: interaction.channel?.type ?? null,
    parentChannelId: interaction.channel && "parentId" in interaction.channel ? (interaction.channel.parentId ?? null) : null,
    parentChannelType:
      interaction.channel && "parent" in interaction.channel ? ((interaction.channel.parent as { type?: number } | null)?.type ?? null) : null,
    attachmentSizeLimit: Number.isInteger(interaction.attachmentSizeLimit) ? interaction.attachmentSizeLimit : null,
  };
}

function optionsOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): CommandOptions {
  const o = interaction.options;
  return {
    getSubcommand: () => o.getSubcommand(false),
    getSubcommandGroup: () => o.getSubcommandGroup(false),
    getString: (n) => o.getString(n),
    getInteger: (n) => o.getInteger(n),
    getNumber: (n) => o.getNumber(n),
    getBoolean: (n) => o.getBoolean(n),
    getAttachment: (n): AttachmentInput | null => {
      if (interaction.isAutocomplete()) return null;
      const a = interaction.options.getAttachment(n);
      return a ? { name: a.name, url: a.url, size: a.size, contentType: a.contentType } : null;
    },
  };
}

/** discord.js reply options from a plain payload; mentions never ping (text may echo user input). */
export function toDiscordMessage(p: MessagePayload) {
  const fitted = fitToLimits(p);
  return {
    content: fitted.content ?? "",
    embeds: [...(fitted.embeds ?? [])],
    files: (fitted.files ?? []).map((f) => new AttachmentBuilder(f.data, { name: f.name, ...(f.description ? { description: f.description } : {}) })),
    // Only when the payload says: an edit without the key keeps a message's components, `[]` removes them.
    ...(fitted.components ? { components: [...fitted.components] } : {}),
    allowedMentions: { parse: [] as [] },
  };
}

/** Commands defer first; if one has not within this time (a slow start), the router defers for it. */
export const AUTO_DEFER_MS = 1500;

/**
 * Work after an acknowledgement (database reads, analytics, charts) is mostly synchronous. Each
 * command gets its own event-loop turn for it, one at a time, so between two of them the loop
 * reads new interactions and sends their acknowledgements (and no socket sits unread for
 * seconds). Without this, a burst of 200 commands acknowledged late and lost replies
 * (bench/interactions.ts). One queue per lane: a waiting `quick` command always goes before any
 * waiting `analysis`, so a list of one's models never waits behind a crowd of heatmaps.
 */
const turns: Record<Lane, Array<() => void>> = { quick: [], analysis: [] };
let turnScheduled = false;
function scheduleTurn(): void {
  turnScheduled = true;
  setImmediate(() => {
    const next = turns.quick.shift() ?? turns.analysis.shift();
    if (next) {
      next();
      scheduleTurn();
    } else turnScheduled = false;
  });
}
/** Turns waiting ahead of a new command in `lane` (a quick one only waits behind quick ones). */
function turnsAhead(lane: Lane): number {
  return lane === "quick" ? turns.quick.length : turns.quick.length + turns.analysis.length;
}

export function nextTurn(lane: Lane = DEFAULT_LANE): Promise<void> {
  return new Promise((resolve) => {
    turns[lane].push(resolve);
    if (!turnScheduled) scheduleTurn();
  });
}

/**
 * How long a command may take to answer in the interaction callback itself (type 4) before the
 * router acknowledges it with a deferral (type 5) and answers by editing @original. Discord wants
 * the callback within 3 s; this leaves room for a slow upload. Answering in the callback is one
 * request instead of two, and interaction callbacks are exempt from the global 50 requests/s while
 * webhook edits are not (discord.js counts PATCH /webhooks/…/@original against it), so a crowd of
 * 150 deferred analyses could not be answered in 3 s by edits alone.
 */
export const ANSWER_WITHIN_MS = 1500;

/**
 * With this many turns already waiting ahead, a command is deferred at once: at ~0.1 s of work
 * per analysis its answer would not be ready within ANSWER_WITHIN_MS, and an early acknowledgement
 * keeps a crowd well inside Discord's 3 s even when the event loop is busy.
 */
export const DEFER_AT_ONCE_QUEUE = 8;

/**
 * The responder for one slash command, and `acknowledge()`, which defers it now unless it is
 * answered or deferred already (the router's timer calls it).
 *
 * With `answerWithinMs` 0, or DEFER_AT_ONCE_QUEUE turns waiting ahead, a command's `defer` is sent
 * at once (ephemeral), as the contract reads. Otherwise `defer` only records the wish and the command goes on; an answer ready before the
 * router's timer is sent as the callback (public or ephemeral as asked), and a refusal as an
 * ephemeral callback. A deferred reply is always ephemeral: a public answer is then posted as a
 * follow-up, so a refusal found after deferring can still be shown only to the caller (Discord
 * cannot make a public deferred reply private afterwards).
 */
function responderFor(interaction: ChatInputCommandInteraction, lane: Lane, answerWithinMs: number): { respond: Responder; acknowledge: () => Promise<void> } {
  /** The acknowledgement sent: a deferral, or the answer itself (`answered`). */
  let ack: Promise<unknown> | null = null;
  let answered = false;
  let publicMessageId: string | null = null;
  let wantsPublic = false;
  // One acknowledgement only, even when the router's timer races the command's own defer.
  const acknowledge = (): Promise<void> => (ack ??= interaction.deferReply({ flags: MessageFlags.Ephemeral })).then(() => undefined);
  const answer = (payload: MessagePayload, ephemeral: boolean): Promise<void> => {
    answered = true;
    ack = interaction.reply({ ...toDiscordMessage(payload), ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
    return ack.then(() => undefined);
  };
  const respond: Responder = {
    defer({ ephemeral }) {
      wantsPublic ||= !ephemeral;
      const soon = answerWithinMs > 0 && turnsAhead(lane) < DEFER_AT_ONCE_QUEUE;
      return (soon ? Promise.resolve() : acknowledge()).then(() => nextTurn(lane));
    },
    async edit(payload) {
      if (ack === null && answerWithinMs > 0) return answer(payload, !wantsPublic);
      await acknowledge();
      if (answered || !wantsPublic) {
        await interaction.editReply(toDiscordMessage(payload));
        return;
      }
      if (publicMessageId === null) {
        // Edit the private placeholder first: the first follow-up would otherwise replace it (and stay private).
        await interaction.editReply({ content: "Posted in the channel.", embeds: [], files: [], allowedMentions: { parse: [] } });
        publicMessageId = (await interaction.followUp(toDiscordMessage(payload))).id;
      } else {
        await interaction.webhook.editMessage(publicMessageId, toDiscordMessage(payload));
      }
    },
    async error(payload) {
      if (ack === null && answerWithinMs > 0) return answer(payload, true);
      await acknowledge();
      // A public answer in the callback cannot become private: the refusal follows it, privately.
      if (answered && wantsPublic) await interaction.followUp({ ...toDiscordMessage(payload), flags: MessageFlags.Ephemeral });
      else await interaction.editReply(toDiscordMessage(payload));
    },
    async followUp(payload) {
      await acknowledge();
      await interaction.followUp({ ...toDiscordMessage(payload), ...(payload.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
    },
  };
  return { respond, acknowledge };
}

export function createRouter(
  commands: readonly Command[],
  ctx: BotContext,
  /** See ANSWER_WITHIN_MS; default 0: defer as soon as a command asks (the bot passes ANSWER_WITHIN_MS). */
  options: { answerWithinMs?: number } = {},
) {
  const answerWithinMs = options.answerWithinMs ?? 0;
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const log: Logger = ctx.logger.child({ module: "router" });

  async function onChatInput(interaction: ChatInputCommandInteraction): Promise<void> {
    const command = byName.get(interaction.commandName);
    if (!command) {
      log.warn({ command: interaction.commandName }, "unknown command (stale registration?)");
      await interaction.reply({ content: "That command no longer exists here.", flags: MessageFlags.Ephemeral });
      return;
    }
    const { respond, acknowledge } = responderFor(interaction, laneOf(command, interaction.options.getSubcommand(false)), answerWithinMs);
    const input: CommandInput = {
      commandName: interaction.commandName,
      options: optionsOf(interaction),
      caller: callerOf(interaction, ctx.config.adminUserIds),
      respond,
    };
    const safety = setTimeout(() => {
      acknowledge().catch((err: unknown) => log.warn({ err }, "safety defer failed"));
    }, answerWithinMs || AUTO_DEFER_MS);
    try {
      await runCommand(command, input, ctx);
    } finally {
      clearTimeout(safety);
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = byName.get(interaction.commandName);
    try {
      const focused = interaction.options.getFocused(true);
      const choices = command?.autocomplete
        ? await command.autocomplete(
            {
              commandName: interaction.commandName,
              options: optionsOf(interaction),
              caller: callerOf(interaction, ctx.config.adminUserIds),
              focused: { name: focused.name, value: String(focused.value) },
            },
            ctx,
          )
        : [];
      await interaction.respond(choices.slice(0, 25).map((c) => ({ name: truncate(c.name, 100), value: truncate(c.value, 100) })));
    } catch (err) {
      log.warn({ err, command: interaction.commandName }, "autocomplete failed");
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    }
  }

  /** A press on an explore component: owner and expiry checked here on every press, then the command's handler. */
  async function onComponent(interaction: ButtonInteraction | StringSelectMenuInteraction): Promise<void> {
    const decoded = decodeView(interaction.customId);
    const command = decoded ? byName.get(decoded.state.command) : undefined;
    if (!decoded || !command?.components) {
      log.warn({ customId: interaction.customId }, "unknown component");
      await interaction.reply({ content: "This button no longer works here.", flags: MessageFlags.Ephemeral });
      return;
    }
    const now = ctx.clock?.() ?? new Date();
    const refusal = refusalFor(decoded.state, interaction.user.id, now);
    if (refusal && isExpired(decoded.state, now)) {
      // The press is a fresh interaction, so it can still edit the message: the dead components go, the text stays.
      await interaction.update({ components: [] });
      await interaction.followUp({ content: refusal, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      return;
    }
    if (refusal) {
      // Someone else's press: only they are told, and the owner's message stays as it is.
      await interaction.reply({ content: refusal, flags: MessageFlags.Ephemeral });
      return;
    }
    const input: ComponentInput = {
      commandName: decoded.state.command,
      state: decoded.state,
      action: decoded.action,
      values: interaction.isStringSelectMenu() ? interaction.values : [],
      caller: callerOf(interaction, ctx.config.adminUserIds),
      respond: {
        async update(payload) {
          await interaction.update(toDiscordMessage(payload));
        },
        async error(payload) {
          const message = { ...toDiscordMessage(payload), flags: MessageFlags.Ephemeral } as const;
          if (interaction.replied || interaction.deferred) await interaction.followUp(message);
          else await interaction.reply(message);
        },
      },
    };
    const handler = command.components.bind(command);
    await runCommand(command, input, ctx, () => handler(input, ctx));
  }

  /** The interactionCreate listener. Never throws: every failure is logged here. */
  return async function route(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isChatInputCommand()) await onChatInput(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton() || interaction.isStringSelectMenu()) await onComponent(interaction);
    } catch (err) {
      log.error({ err }, "interaction handling failed");
    }
  };
}
