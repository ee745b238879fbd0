import type { Logger } from "../logger.js";
import type {
  ModelRepository,
  RegistrationRepository,
  RegistrationRow,
  UserSettingsRepository,
} from "../db/repositories/models.js";
import { UserFacingError } from "../errors.js";
import { UnknownModelError } from "../numerai/errors.js";
import { quoteInput } from "./quote-input.js";

export interface ModelLookup {
  lookupModel(name: string): Promise<{ id: string; name: string }>;
}

export interface RegistrationDeps {
  readonly lookup: ModelLookup;
  readonly models: ModelRepository;
  readonly registrations: RegistrationRepository;
  readonly settings: UserSettingsRepository;
  readonly logger: Logger;
}

/** Enough for any real operator (the largest run a few dozen), small enough to keep every view readable. */
export const MAX_MODELS_PER_USER = 100;
export const MAX_DECLARED_WEIGHT = 1e9;
/** Numerai model names: letters, digits and underscores. */
const MODEL_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** Why `raw` is not a model name, or null when it is one (shared by Discord options and CSV imports). */
export function modelNameProblem(raw: string): string | null {
  const name = raw.trim();
  if (MODEL_NAME.test(name)) return null;
  // Control characters (a newline in a quoted CSV field) are shown escaped, keeping the message one line.
  const shown = Array.from(quoteInput(name), (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, "0")}` : c;
  }).join("");
  return `"${shown}" is not a Numerai model name (letters, digits and _ only, at most 64)`;
}

export function validateModelName(raw: string): string {
  const problem = modelNameProblem(raw);
  if (problem !== null) throw new UserFacingError(`${problem}.`);
  return raw.trim().toLowerCase();
}

/** "no Numerai model called X" is an answer for the user, not a fault. */
export function asUserFacing(err: unknown): never {
  if (err instanceof UnknownModelError) throw new UserFacingError(err.message, { cause: err });
  throw err;
}

export function createRegistrationService(deps: RegistrationDeps) {
  const log = deps.logger.child({ module: "registrations" });

  function requireOwn(userId: string, name: string): RegistrationRow {
    const reg = deps.registrations.findForUserByName(userId, validateModelName(name));
    if (!reg) throw new UserFacingError(`You have no model called ${name.trim().toLowerCase()}. See your models with /models list.`);
    return reg;
  }

  return {
    /** Checks the name against Numerai, then records it for the user. */
    async add(userId: string, rawName: string): Promise<{ model: { id: string; name: string }; alreadyHad: boolean }> {
      const name = validateModelName(rawName);
      const own = deps.registrations.listForUser(userId);
      if (own.some((r) => r.name === name)) {
        return { model: { id: own.find((r) => r.name === name)!.id, name }, alreadyHad: true };
      }
      if (own.length >= MAX_MODELS_PER_USER) {
        throw new UserFacingError(`You already track ${MAX_MODELS_PER_USER} models, the most one user can; remove one first.`);
      }
      const found = await deps.lookup.lookupModel(name).catch(asUserFacing);
      const model = deps.models.upsertVerified(found.id, found.name);
      const added = deps.registrations.add(userId, model.id);
      log.info({ userId, model: model.name }, "model registered");
      return { model: { id: model.id, name: model.name }, alreadyHad: !added };
    },

    remove(userId: string, rawName: string): { name: string } {
      const reg = requireOwn(userId, rawName);
      deps.registrations.remove(userId, reg.id);
      log.info({ userId, model: reg.name }, "model unregistered");
      return { name: reg.name };
    },

    list(userId: string): RegistrationRow[] {
      return deps.registrations.listForUser(userId);
    },

    setDeclaredWeight(userId: string, rawName: string, weight: number | null): { name: string; weight: number | null } {
      if (weight !== null && (!Number.isFinite(weight) || weight < 0 || weight > MAX_DECLARED_WEIGHT)) {
        throw new UserFacingError(`A weight must be a number from 0 to ${MAX_DECLARED_WEIGHT}.`);
      }
      const reg = requireOwn(userId, rawName);
      deps.registrations.setDeclaredWeight(userId, reg.id, weight);
      return { name: reg.name, weight };
    },

    setWeightSource(userId: string, source: "declared" | "api" | "equal"): void {
      deps.settings.setWeightSource(userId, source);
    },

    setServerOptIn(guildId: string, userId: string, optIn: boolean): boolean {
      return deps.settings.setServerOptIn(guildId, userId, optIn);
    },

    requireOwn,

    /** Autocomplete: the caller's model names starting with `prefix`. */
    suggestOwn(userId: string, prefix: string): string[] {
      const p = prefix.trim().toLowerCase();
      return deps.registrations
        .listForUser(userId)
        .map((r) => r.name)
        .filter((n) => n.startsWith(p))
        .slice(0, 25);
    },

    /** Autocomplete for /models add: names seen in the store. */
    suggestKnown(prefix: string): string[] {
      return deps.models.searchNames(prefix, 25);
    },
  };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;
