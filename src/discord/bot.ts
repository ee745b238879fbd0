import { Events, type Client, type ClientOptions } from "discord.js";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import type { AppContext } from "../context.js";
import { UserFacingError } from "../errors.js";
import type { AttachmentInput, BotContext, Command } from "./command.js";
import { createClient } from "./client.js";
import { analysisResult } from "./analyses.js";
import { inlineRenderer, rendererFor, type Renderer } from "./render-pool.js";
import { ANSWER_WITHIN_MS, createRouter } from "./router.js";

/** Discord serves attachments from these hosts; nothing else is fetched on a user's behalf. */
const ATTACHMENT_HOSTS = new Set(["cdn.discordapp.com", "media.discordapp.net"]);

export function createBotContext(
  ctx: AppContext,
  options: {
    nextRuns?: () => Record<string, Date | null>;
    allowFileAttachments?: boolean;
    attachmentHosts?: ReadonlySet<string>;
    renderer?: Renderer;
    /** The server's clock for component expiry (tests move it). */
    clock?: () => Date;
    /** Replies carry components and links (the bot); the shell leaves this unset. */
    interactive?: boolean;
  } = {},
): BotContext & { drain(): Promise<void> } {
  const renderer = options.renderer ?? inlineRenderer;
  const pending = new Set<Promise<void>>();
  const hosts = options.attachmentHosts ?? ATTACHMENT_HOSTS;
  return {
    ...ctx,
    ...(options.nextRuns ? { nextRuns: options.nextRuns } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.interactive ? { interactive: true } : {}),
    render: (kind, input) => renderer.render(kind, input),
    analyse: (kind, request) => Promise.resolve().then(() => renderer.render(kind, analysisResult(ctx.services.portfolio, kind, request))),
    background(label, work) {
      const p = work().catch((err: unknown) => ctx.logger.error({ err, task: label }, "background task failed"));
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    async fetchAttachment(att: AttachmentInput, maxBytes: number): Promise<Buffer> {
      if (att.size > maxBytes) throw new UserFacingError(`${att.name} is ${Math.ceil(att.size / 1e6)} MB; the limit is ${Math.floor(maxBytes / 1e6)} MB.`);
      const url = new URL(att.url);
      if (url.protocol === "file:" && options.allowFileAttachments) {
        const data = await readFile(fileURLToPath(url)).catch(() => {
          throw new UserFacingError(`Cannot read ${att.name}.`);
        });
        if (data.length > maxBytes) throw new UserFacingError(`${att.name} is larger than ${Math.floor(maxBytes / 1e6)} MB.`);
        return data;
      }
      if (!(url.protocol === "https:" || url.protocol === "http:") || !hosts.has(url.hostname)) {
        throw new UserFacingError("That attachment does not come from Discord.");
      }
      const res = await request(url, { maxRedirections: 0, headersTimeout: 15_000, bodyTimeout: 30_000 } as Parameters<typeof request>[1]);
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new UserFacingError(`Discord would not hand over ${att.name} (HTTP ${res.statusCode}); try uploading it again.`);
      }
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of res.body) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) {
          res.body.destroy();
          throw new UserFacingError(`${att.name} is larger than ${Math.floor(maxBytes / 1e6)} MB.`);
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    },
    async drain() {
      await Promise.allSettled([...pending]);
    },
  };
}

export interface Bot {
  readonly client: Client;
  readonly context: BotContext & { drain(): Promise<void> };
  stop(): Promise<void>;
}

/** Logs in and routes interactions. Resolves once the client is ready. */
export async function startBot(
  ctx: AppContext,
  commands: readonly Command[],
  options: {
    nextRuns?: () => Record<string, Date | null>;
    clientOptions?: Partial<ClientOptions>;
    attachmentHosts?: ReadonlySet<string>;
    /** Default: a render pool of RENDER_WORKERS threads. The bot closes it on stop. */
    renderer?: Renderer;
    /** The server's clock for component expiry (default: now); tests move it. */
    clock?: () => Date;
    /** How long a command may take to answer in the interaction callback (router's ANSWER_WITHIN_MS); 0 defers at once. */
    answerWithinMs?: number;
  } = {},
): Promise<Bot> {
  if (!ctx.config.discordToken) throw new Error("DISCORD_TOKEN is missing");
  const client = createClient(ctx.config, options.clientOptions ?? {});
  const renderer = options.renderer ?? rendererFor(ctx.config.renderWorkers);
  const context = createBotContext(ctx, { ...options, renderer, interactive: true });
  const route = createRouter(commands, context, { answerWithinMs: options.answerWithinMs ?? ANSWER_WITHIN_MS });
  client.on(Events.InteractionCreate, (interaction) => void route(interaction));
  client.on(Events.Error, (err) => ctx.logger.error({ err }, "discord client error"));
  client.on(Events.ShardDisconnect, (_e, shardId) => ctx.logger.warn({ shardId }, "gateway disconnected"));
  client.on(Events.ShardResume, (shardId) => ctx.logger.info({ shardId }, "gateway resumed"));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(ctx.config.discordToken);
    await ready;
  } catch (err) {
    await renderer.close();
    throw err;
  }
  ctx.logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size, shards: client.shard?.ids ?? [0] }, "bot ready");
  return {
    client,
    context,
    async stop() {
      await context.drain();
      await client.destroy();
      await renderer.close();
    },
  };
}
