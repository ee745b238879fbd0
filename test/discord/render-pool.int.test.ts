/**
 * The render pool's one error path (issue 13): a UserFacingError thrown inside a worker reaches
 * the user as the same ephemeral sentence; a worker that dies gives the router's apology with an
 * error id, and the next command is answered (piscina replaces the worker; the bot stays up).
 * Real discord.js against the stand-in Discord, a real SQLite file, a real piscina pool whose
 * worker is test/helpers/render-fault-worker.ts. Also: the pool renders the same reply as the
 * main thread, from the TypeScript sources and from the compiled dist/.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { MessageFlags } from "discord.js";
import { createRenderPool, inlineRenderer, workerModule } from "../../src/discord/render-pool.js";
import { GUILD, MODEL_NAMES, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";
import { REFUSAL } from "../helpers/render-fault-worker.js";

let h: Harness;
beforeAll(async () => {
  const renderer = createRenderPool({ threads: 1, filename: new URL("../helpers/render-fault-worker.ts", import.meta.url).href });
  h = await startHarnessWithModels(commands, USER, MODEL_NAMES, { renderer });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const run = (name: string) => h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name, user: USER }));
async function answer(handle: InteractionHandle) {
  await handle.awaitEdit(1, 30_000);
  return { content: handle.original?.data.content ?? "", ephemeral: ((handle.original?.data.flags ?? 0) & MessageFlags.Ephemeral) !== 0, files: handle.original?.uploads.length ?? 0 };
}

describe("render pool error path", () => {
  it("shows a refusal raised in the worker as the same ephemeral sentence", async () => {
    expect(await answer(run("prune"))).toEqual({ content: REFUSAL, ephemeral: true, files: 0 });
    expect(h.logs.some((l) => l.msg === "command refused" && l.reason === REFUSAL)).toBe(true);
  });

  it("answers a crashed worker with the apology and its error id, then answers the next command", async () => {
    const crashed = await answer(run("performance"));
    expect(crashed.ephemeral).toBe(true);
    const id = /error id `([0-9a-f]{8})`/.exec(crashed.content)?.[1];
    expect(id).toBeDefined();
    expect(h.logs.some((l) => l.msg === "command failed" && l.errorId === id)).toBe(true);
    const next = await answer(run("correlation"));
    expect(next.files).toBeGreaterThan(0);
    expect(h.bot.client.isReady()).toBe(true);
  });
});

describe("render pool output", () => {
  const result = () => h.ctx.services.portfolio.correlation({ userId: USER }, {});
  const strip = (p: Awaited<ReturnType<typeof inlineRenderer.render>>) => ({ ...p, files: (p.files ?? []).map((f) => ({ ...f, data: Buffer.from(f.data).toString("base64") })) });

  it("renders from the TypeScript sources exactly what the main thread renders", async () => {
    const pool = createRenderPool({ threads: 1 });
    try {
      expect(strip(await pool.render("correlation", result()))).toEqual(strip(await inlineRenderer.render("correlation", result())));
    } finally {
      await pool.close();
    }
  });

  it("runs the compiled worker from dist/ without tsx", async () => {
    const compiledPool = new URL("../../dist/src/discord/render-pool.js", import.meta.url);
    if (!existsSync(fileURLToPath(compiledPool))) throw new Error("run `npm run build` first: this test checks the compiled worker");
    const compiled = workerModule(compiledPool.href);
    expect(compiled).toEqual({ filename: new URL("../../dist/src/discord/render/worker.js", import.meta.url).href, execArgv: [] });
    const pool = createRenderPool({ threads: 1, filename: compiled.filename });
    try {
      expect(strip(await pool.render("correlation", result()))).toEqual(strip(await inlineRenderer.render("correlation", result())));
    } finally {
      await pool.close();
    }
  });
});
