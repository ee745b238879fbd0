/**
 * A stand-in Discord for tests: a real discord.js Client logs into it and everything the bot sends
 * is recorded. Typical use:
 *
 *   const fake = await startFakeDiscord({ guilds: [{ id: G }], channels: [{ id: C, type: ChannelType.GuildText, guildId: G }] });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], ...fakeClientOptions(fake) });
 *   await client.login(fake.token); // then wait for Events.ClientReady
 *   const handle = fake.sendInteraction(fake.chatInput({ name: "sharpe", guildId: G }));
 *   await handle.awaitResponse(); // handle.calls, handle.original, fake.messages, fake.calls
 *   await client.destroy(); await fake.close(); // destroy clients first, or they keep reconnecting
 */
export { FakeDiscord, fakeClientOptions, startFakeDiscord } from "./fake-discord.js";
export { InteractionHandle } from "./interactions.js";
export type {
  AttachmentInput,
  AutocompleteInput,
  ChatInputInput,
  ComponentInput,
  InteractionCall,
  InteractionCallKind,
  OptionValue,
  SelectInput,
} from "./interactions.js";
export type { DropOptions, GatewayConnectionRecord, GatewaySessionInfo } from "./gateway.js";
export type {
  FakeChannelInput,
  FakeDiscordOptions,
  FakeGuildInput,
  FakeUserInput,
  FaultSpec,
  RecordedCall,
  RecordedFile,
  RouteMatcher,
  RuleHandle,
  StoredAttachment,
  StoredMessage,
} from "./types.js";
