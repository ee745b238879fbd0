/**
 * The offline shell: the bot's commands, router error path and renderers in a terminal. Embeds
 * print as text, PNGs are written to ./out/ and their paths printed. Reads commands from an
 * interactive prompt or, scripted, one per line from stdin.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import type { APIEmbed } from "discord.js";
import { isUserFacing } from "../errors.js";
import type { AttachmentInput, BotContext, Command, CommandInput } from "../discord/command.js";
import { runCommand } from "../discord/router.js";
import { fitToLimits, type MessagePayload } from "../discord/render/payload.js";
import { optionsFromParsed, parseLine } from "./parse-line.js";

export interface ShellOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly userId: string;
  readonly guildId: string;
  readonly outDir: string;
  readonly interactive: boolean;
}

/** Discord markdown escapes (`lgbm\\_1`) read badly in a terminal. */
const unescapeMarkdown = (s: string) => s.replace(/\\([*_~`|>\\])/g, "$1");

export function embedToText(e: APIEmbed): string {
  const lines: string[] = [];
  if (e.title) lines.push(`== ${e.title} ==`);
  if (e.description) lines.push(e.description);
  for (const f of e.fields ?? []) lines.push(`-- ${f.name}\n${f.value}`);
  if (e.image?.url) lines.push(`[image: ${e.image.url}]`);
  if (e.footer?.text) lines.push(`(${e.footer.text})`);
  return unescapeMarkdown(lines.join("\n"));
}

/** Renders a payload for a terminal and writes its files to outDir; returns the text. */
export function payloadToText(payload: MessagePayload, outDir: string, seq: number): string {
  const p = fitToLimits(payload);
  const parts: string[] = [];
  if (p.content) parts.push(unescapeMarkdown(p.content));
  for (const e of p.embeds ?? []) parts.push(embedToText(e));
  for (const f of p.files ?? []) {
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, `${String(seq).padStart(3, "0")}-${basename(f.name)}`);
    writeFileSync(path, f.data);
    parts.push(`[file written: ${path}]`);
  }
  return parts.join("\n\n");
}

export function localAttachment(path: string): AttachmentInput {
  const abs = resolve(path);
  let size = 0;
  try {
    size = statSync(abs).size;
  } catch {
    size = -1;
  }
  return { name: basename(abs), url: pathToFileURL(abs).href, size, contentType: abs.endsWith(".csv") ? "text/csv" : null };
}

export async function runShell(commands: readonly Command[], ctx: BotContext, opts: ShellOptions): Promise<void> {
  const definitions = new Map(commands.map((c) => [c.data.name, c.data.toJSON()]));
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const write = (s: string): void => {
    opts.output.write(`${s}\n`);
  };
  let seq = 0;
  const rl = createInterface({ input: opts.input, output: opts.interactive ? opts.output : undefined, terminal: opts.interactive });
  if (opts.interactive) {
    write(`modelfolio shell — you are local user ${opts.userId}. Type /help, or "exit" to leave.`);
    rl.setPrompt("modelfolio> ");
    rl.prompt();
  }
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "exit" || line === "quit") break;
    if (line === "" || line.startsWith("#")) {
      if (opts.interactive) rl.prompt();
      continue;
    }
    if (!opts.interactive) write(`> ${line}`);
    try {
      const parsed = parseLine(line, definitions, localAttachment);
      const command = byName.get(parsed.commandName) as Command;
      const state = { deferred: false };
      const input: CommandInput = {
        commandName: parsed.commandName,
        options: optionsFromParsed(parsed),
        caller: {
          userId: opts.userId,
          guildId: opts.guildId,
          channelId: "shell",
          // The shell runs on the operator's own machine with their own database.
          isAdmin: true,
          isGlobalAdmin: true,
          canManageChannels: true,
          channelType: 0,
        },
        respond: {
          defer: () => {
            state.deferred = true;
            return Promise.resolve();
          },
          edit: (p) => Promise.resolve(write(payloadToText(p, opts.outDir, ++seq))),
          error: (p) => Promise.resolve(write(payloadToText(p, opts.outDir, ++seq))),
          followUp: (p) => Promise.resolve(write(payloadToText(p, opts.outDir, ++seq))),
        },
      };
      await runCommand(command, input, ctx);
    } catch (err) {
      write(isUserFacing(err) ? err.message : `error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (opts.interactive) rl.prompt();
  }
  rl.close();
}
