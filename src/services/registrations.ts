import type { WeightPolicy } from "../analytics/weights.js";
import type { Logger } from "../logger.js";
import type {
  ModelRepository,
  RegistrationRepository,
  RegistrationRow,
  UserSettingsRepository,
} from "../db/repositories/models.js";
import type { ScoreReadRepository } from "../db/repositories/score-reads.js";
import { UserFacingError } from "../errors.js";
import { NumeraiError, UnknownAccountError, UnknownModelError } from "../numerai/errors.js";
import { quoteInput } from "./quote-input.js";

const plural = (n: number, word: string) => `${n} ${n === 1 ? word : `${word}s`}`;

export interface ModelLookup {
  lookupModel(name: string, options?: { maxAttempts?: number }): Promise<{ id: string; name: string }>;
  accountModels(username: string): Promise<{ account: string; models: Array<{ id: string; name: string }> }>;
}

export interface RegistrationDeps {
  readonly lookup: ModelLookup;
  readonly models: ModelRepository;
  readonly registrations: RegistrationRepository;
  readonly settings: UserSettingsRepository;
  readonly reads: Pick<ScoreReadRepository, "scoreNames">;
  readonly logger: Logger;
}

/** Enough for any real operator (the largest run a few dozen), small enough to keep every view readable. */
export const MAX_MODELS_PER_USER = 100;
/** Declared weights are shares of the portfolio (0.3 = 30%), so at most 1 each and in all. */
export const MAX_DECLARED_WEIGHT = 1;
/** Numerai account names: like model names. */
const ACCOUNT_NAME = /^[A-Za-z0-9_]{1,64}$/;
/** Numerai model names: letters, digits and underscores. */
const MODEL_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** Whether `name` is a Numerai model name as it stands (every stored one is: registration and CSV imports check it). */
export const isModelName = (name: string): boolean => MODEL_NAME.test(name);

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

/** "no Numerai model (or account) called X" is an answer for the user, not a fault. */
export function asUserFacing(err: unknown): never {
  if (err instanceof UnknownModelError || err instanceof UnknownAccountError) throw new UserFacingError(err.message, { cause: err });
  throw err;
}

/** Several names in one option or argument: separated by spaces or commas, each validated, duplicates once. */
export function parseModelNames(text: string): string[] {
  const names = text.split(/[\s,]+/).filter(Boolean);
  if (names.length === 0) throw new UserFacingError("Name at least one model.");
  return [...new Set(names.map(validateModelName))];
}

export interface WeightEntry {
  readonly name: string;
  /** null clears the declared weight. */
  readonly weight: number | null;
}

/** `"a=0.5 b=0.3 c=clear"` → entries; any bad pair refuses the whole list. */
export function parseWeightList(text: string): WeightEntry[] {
  const pairs = text.split(/[\s,;]+/).filter(Boolean);
  if (pairs.length === 0) throw new UserFacingError('Give weights as name=share pairs, e.g. weights:"model_a=0.5 model_b=0.3" (name=clear clears one).');
  const seen = new Set<string>();
  return pairs.map((pair) => {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UserFacingError(`"${quoteInput(pair, 40)}" is not name=share (e.g. model_a=0.5, or model_a=clear).`);
    const name = validateModelName(pair.slice(0, eq));
    if (seen.has(name)) throw new UserFacingError(`${name} is named twice.`);
    seen.add(name);
    const raw = pair.slice(eq + 1).trim().toLowerCase();
    if (raw === "clear") return { name, weight: null };
    const weight = /^(\d+(\.\d*)?|\.\d+)%?$/.test(raw) ? Number(raw.replace("%", "")) / (raw.endsWith("%") ? 100 : 1) : NaN;
    if (!Number.isFinite(weight)) throw new UserFacingError(`The weight of ${name} must be a share from 0 to 1 (e.g. 0.3 or 30%) or "clear", not "${quoteInput(raw, 20)}".`);
    return { name, weight };
  });
}

/** A declared share is a share of one portfolio: from 0 to 1 (`/models weight` and CLI `--weights` alike). */
export function checkShareRange(entries: readonly WeightEntry[]): void {
  for (const e of entries) {
    if (e.weight !== null && (!Number.isFinite(e.weight) || e.weight < 0 || e.weight > MAX_DECLARED_WEIGHT)) {
      throw new UserFacingError(`The weight of ${e.name.trim().toLowerCase()} must be a share from 0 to ${MAX_DECLARED_WEIGHT} (0.3 = 30%).`);
    }
  }
}

/** Declared shares add up to 100% at most, so the models without one still share what is left; `fix` says how, where the user is. */
export function checkShareTotal(shares: ReadonlyArray<number | null>, fix: string): void {
  const total = shares.reduce<number>((s, w) => s + (w ?? 0), 0);
  if (total > 1 + 1e-9) {
    throw new UserFacingError(
      `Declared weights are shares of your portfolio, and these would add up to ${(total * 100).toFixed(1)}%. ` +
        `Keep them at 100% or less (${fix}); models without one share what is left.`,
    );
  }
}

/** Why a registered model was added without asking Numerai. */
export type UncheckedReason = "unreachable" | "unknown";

export interface AddedModel {
  readonly id: string;
  readonly name: string;
  /** null: checked with Numerai. Otherwise it was registered from its imported scores only. */
  readonly unchecked: UncheckedReason | null;
}

export interface AddManyResult {
  readonly added: readonly AddedModel[];
  readonly alreadyHad: readonly string[];
  /** The account the models came from, for `/models add account:`. */
  readonly account: string | null;
}

export function createRegistrationService(deps: RegistrationDeps) {
  const log = deps.logger.child({ module: "registrations" });

  function requireOwn(userId: string, name: string): RegistrationRow {
    const reg = deps.registrations.findForUserByName(userId, validateModelName(name));
    if (!reg) throw new UserFacingError(`You have no model called ${name.trim().toLowerCase()}. See your models with /models list.`);
    return reg;
  }

  function checkRoom(have: number, adding: number, what?: string): void {
    if (have + adding <= MAX_MODELS_PER_USER) return;
    const lead = what ? `${what}; ` : "";
    throw new UserFacingError(
      `${lead}you track ${have}, and one user can track at most ${MAX_MODELS_PER_USER}: remove some first (/models remove takes several at once). Nothing was added.`,
    );
  }

  /** Writes the verified or imported models and the registrations in one go. */
  function record(userId: string, found: readonly AddedModel[], alreadyHad: readonly string[], account: string | null): AddManyResult {
    const rows = found.map((m) => (m.unchecked === null ? { ...m, ...deps.models.upsertVerified(m.id, m.name) } : m));
    const added = new Set(deps.registrations.addMany(userId, rows.map((m) => m.id)));
    const result = rows.filter((m) => added.has(m.id)).map((m) => ({ id: m.id, name: m.name, unchecked: m.unchecked }));
    log.info({ userId, account, models: result.map((m) => m.name), unchecked: result.filter((m) => m.unchecked).length }, "models registered");
    return { added: result, alreadyHad, account };
  }

  return {
    /** One model; see `addMany`. */
    async add(userId: string, rawName: string): Promise<{ model: AddedModel; alreadyHad: boolean }> {
      const name = validateModelName(rawName);
      const res = await this.addMany(userId, [name]);
      const own = res.added[0] ?? { id: deps.registrations.findForUserByName(userId, name)?.id ?? "", name, unchecked: null };
      return { model: own, alreadyHad: res.added.length === 0 };
    },

    /**
     * Checks each new name with Numerai and registers them all, or none when one is refused. A
     * name whose scores were imported needs no answer from Numerai: when Numerai cannot be reached
     * (asked once, no retries) or has no such model, it is registered from its imported scores and
     * says so; once Numerai is found unreachable the other imported names are not asked again.
     */
    async addMany(userId: string, rawNames: readonly string[]): Promise<AddManyResult> {
      const names = [...new Set(rawNames.map(validateModelName))];
      const own = new Set(deps.registrations.listForUser(userId).map((r) => r.name));
      const alreadyHad = names.filter((n) => own.has(n));
      const fresh = names.filter((n) => !own.has(n));
      checkRoom(own.size, fresh.length);
      const found: AddedModel[] = [];
      let unreachable = false;
      for (const name of fresh) {
        const imported = deps.models.findByName(name);
        if (imported?.source === "numerai") {
          found.push({ id: imported.id, name, unchecked: null });
          continue;
        }
        if (!imported) {
          found.push({ ...(await deps.lookup.lookupModel(name).catch(asUserFacing)), unchecked: null });
          continue;
        }
        if (unreachable) {
          found.push({ id: imported.id, name, unchecked: "unreachable" });
          continue;
        }
        try {
          found.push({ ...(await deps.lookup.lookupModel(name, { maxAttempts: 1 })), unchecked: null });
        } catch (err) {
          if (err instanceof UnknownModelError) found.push({ id: imported.id, name, unchecked: "unknown" });
          else if (err instanceof NumeraiError && err.retryable) {
            unreachable = true;
            log.warn({ model: name, err: err.message }, "Numerai unreachable; registering from imported scores");
            found.push({ id: imported.id, name, unchecked: "unreachable" });
          } else throw err;
        }
      }
      return record(userId, found, alreadyHad, null);
    },

    /** Every model of a Numerai account (public `accountProfile`), all or none. */
    async addAccount(userId: string, rawAccount: string): Promise<AddManyResult> {
      const account = rawAccount.trim();
      if (!ACCOUNT_NAME.test(account)) throw new UserFacingError(`"${quoteInput(account, 64)}" is not a Numerai account name (letters, digits and _ only, at most 64).`);
      const res = await deps.lookup.accountModels(account).catch(asUserFacing);
      if (res.models.length === 0) throw new UserFacingError(`The Numerai account ${account.toLowerCase()} has no models.`);
      const own = new Set(deps.registrations.listForUser(userId).map((r) => r.name));
      const models = res.models.filter((m) => MODEL_NAME.test(m.name));
      const alreadyHad = models.filter((m) => own.has(m.name)).map((m) => m.name);
      const fresh = models.filter((m) => !own.has(m.name));
      checkRoom(own.size, fresh.length, `${res.account} has ${plural(models.length, "model")}`);
      return record(userId, fresh.map((m) => ({ ...m, unchecked: null })), alreadyHad, res.account);
    },

    /** Several of the caller's models at once; one that is not theirs refuses them all. */
    removeMany(userId: string, rawNames: string): { names: string[] } {
      const regs = parseModelNames(rawNames).map((n) => requireOwn(userId, n));
      deps.registrations.removeMany(userId, regs.map((r) => r.id));
      log.info({ userId, models: regs.map((r) => r.name) }, "models unregistered");
      return { names: regs.map((r) => r.name) };
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

    /** Every score name stored for the user's models (for the score option's autocomplete). */
    scoreNames(userId: string): string[] {
      return deps.reads.scoreNames(deps.registrations.listForUser(userId).map((r) => r.id));
    },

    /** One model's declared share, or null to clear it; see `setDeclaredWeights`. */
    setDeclaredWeight(userId: string, rawName: string, weight: number | null): WeightEntry[] {
      return this.setDeclaredWeights(userId, [{ name: rawName, weight }]);
    },

    /**
     * Declares (or clears) several shares at once: all or none. Refused, changing nothing, when a
     * name is not the caller's, a share is outside 0–1, or the declared shares would add up to
     * more than 1 (they are shares of one portfolio).
     */
    setDeclaredWeights(userId: string, entries: readonly WeightEntry[]): WeightEntry[] {
      if (entries.length === 0) throw new UserFacingError("Name at least one model.");
      checkShareRange(entries);
      const regs = entries.map((e) => requireOwn(userId, e.name));
      const next = new Map(deps.registrations.listForUser(userId).map((r) => [r.id, r.declaredWeight]));
      entries.forEach((e, i) => next.set((regs[i] as RegistrationRow).id, e.weight));
      checkShareTotal([...next.values()], "lower some, or clear one with name=clear");
      deps.registrations.setDeclaredWeights(
        userId,
        entries.map((e, i) => ({ modelId: (regs[i] as RegistrationRow).id, weight: e.weight })),
      );
      log.info({ userId, weights: entries.map((e, i) => ({ model: (regs[i] as RegistrationRow).name, weight: e.weight })) }, "declared weights set");
      return entries.map((e, i) => ({ name: (regs[i] as RegistrationRow).name, weight: e.weight }));
    },

    setWeightSource(userId: string, source: WeightPolicy): void {
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
