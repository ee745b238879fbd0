/**
 * Command inputs without Discord: options typed the way Discord delivers them (read through
 * getters that refuse a value of another type, as discord.js's do), a caller, and a responder
 * that records every payload and, like discord.js, refuses an edit before the reply is deferred.
 */
import type { AttachmentInput, Caller, CommandInput, CommandOptions, Responder } from "../../src/discord/command.js";
import type { MessagePayload } from "../../src/discord/render/payload.js";

/** What one option value is, as Discord's option types deliver it. */
export type OptionValue =
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "integer"; readonly value: number }
  | { readonly type: "number"; readonly value: number }
  | { readonly type: "boolean"; readonly value: boolean }
  | { readonly type: "attachment"; readonly value: AttachmentInput };

export interface Invocation {
  readonly subcommand: string | null;
  readonly values: Readonly<Record<string, OptionValue>>;
}

/** The command's options as getters; asking for a present option with the wrong getter throws, as in discord.js. */
export function optionsOf(inv: Invocation): CommandOptions {
  function typed(name: string, type: OptionValue["type"]): OptionValue["value"] | null {
    const v = inv.values[name];
    if (v === undefined) return null;
    if (v.type !== type) throw new TypeError(`option "${name}" is of type ${v.type}, not ${type}`);
    return v.value;
  }
  return {
    getSubcommand: () => inv.subcommand,
    getSubcommandGroup: () => null,
    getString: (n) => typed(n, "string") as string | null,
    getInteger: (n) => typed(n, "integer") as number | null,
    getNumber: (n) => typed(n, "number") as number | null,
    getBoolean: (n) => typed(n, "boolean") as boolean | null,
    getAttachment: (n) => typed(n, "attachment") as AttachmentInput | null,
  };
}

export function callerOf(userId: string, opts: Partial<Omit<Caller, "userId">> = {}): Caller {
  const isGlobalAdmin = opts.isGlobalAdmin ?? false;
  return {
    userId,
    guildId: opts.guildId === undefined ? "100000000000000002" : opts.guildId,
    channelId: opts.channelId ?? "100000000000000003",
    isAdmin: isGlobalAdmin || (opts.isAdmin ?? false),
    isGlobalAdmin,
    canManageChannels: opts.canManageChannels ?? false,
    channelType: opts.channelType ?? 0,
  };
}

export interface SentMessage {
  readonly kind: "edit" | "error" | "followUp";
  readonly payload: MessagePayload;
}

export interface RecordingResponder extends Responder {
  readonly sent: SentMessage[];
  deferred: { ephemeral: boolean } | null;
  /** Problems a real interaction would have raised (an edit before any defer, a second defer). */
  readonly protocolErrors: string[];
}

export function recordingResponder(): RecordingResponder {
  const r: RecordingResponder = {
    sent: [],
    deferred: null,
    protocolErrors: [],
    defer({ ephemeral }) {
      // The router's responder acknowledges once; a second call is a no-op there, so it is here.
      r.deferred ??= { ephemeral };
      return Promise.resolve();
    },
    edit(payload) {
      if (!r.deferred) {
        r.protocolErrors.push("edit before defer");
        return Promise.reject(new Error("The reply to this interaction has not been sent or deferred."));
      }
      r.sent.push({ kind: "edit", payload });
      return Promise.resolve();
    },
    error(payload) {
      r.deferred ??= { ephemeral: true };
      r.sent.push({ kind: "error", payload });
      return Promise.resolve();
    },
    followUp(payload) {
      if (!r.deferred) r.protocolErrors.push("follow-up before defer");
      r.sent.push({ kind: "followUp", payload });
      return Promise.resolve();
    },
  };
  return r;
}

export function commandInput(commandName: string, inv: Invocation, caller: Caller, respond: Responder): CommandInput {
  return { commandName, options: optionsOf(inv), caller, respond };
}

/** Every piece of text a payload shows: content, embed titles, descriptions, fields, footers. */
export function payloadText(p: MessagePayload): string {
  const parts: string[] = [p.content ?? ""];
  for (const e of p.embeds ?? []) {
    parts.push(e.title ?? "", e.description ?? "", e.footer?.text ?? "", e.author?.name ?? "");
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
  }
  for (const f of p.files ?? []) parts.push(f.name, f.description ?? "");
  return parts.join("\n");
}
