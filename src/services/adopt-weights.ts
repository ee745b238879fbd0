/**
 * "Use these weights" (issue 14): one allocation method's suggestion as the caller's declared
 * weights, through the same setDeclaredWeights /models weight uses (all or none, same checks).
 * The suggestion is recomputed from the options the reply showed, never read back from the
 * message (a custom_id or an embed is untrusted input). Models the suggestion gives no weight
 * are declared 0, so the declared weights are exactly the suggestion.
 */
import type { WeightPolicy } from "../analytics/weights.js";
import type { UserSettingsRepository } from "../db/repositories/models.js";
import { UserFacingError } from "../errors.js";
import type { AnalysisOptions, PortfolioService } from "./portfolio.js";
import type { RegistrationService, WeightEntry } from "./registrations.js";

export interface AdoptionDeps {
  readonly portfolio: PortfolioService;
  readonly registrations: RegistrationService;
  readonly settings: Pick<UserSettingsRepository, "get">;
}

export interface WeightProposal {
  /** The method's user-facing name (e.g. "hrp"). */
  readonly method: string;
  /** The weights Confirm would declare, one per registered model. */
  readonly entries: readonly WeightEntry[];
  /** The declared weights now (null: none declared), to undo with. */
  readonly previous: readonly WeightEntry[];
  /** Which weights views use: declared weights only count under "declared" (or no choice made). */
  readonly weightSource: WeightPolicy | null;
}

export type AdoptOptions = AnalysisOptions & { readonly method: string };

export function createAdoptionService(deps: AdoptionDeps) {
  /**
   * What Confirm would set, and what is declared now; changes nothing.
   * @throws UserFacingError when the method is "all" or its suggestion is not defined
   */
  function propose(userId: string, opts: AdoptOptions): WeightProposal {
    if (opts.method === "all") throw new UserFacingError("Pick one method in the menu first: its weights are the ones that would be used.");
    const r = deps.portfolio.allocate({ userId }, opts);
    const s = r.suggestions[0];
    if (!s) throw new UserFacingError(`No suggestion from ${opts.method}.`);
    if (!s.defined) throw new UserFacingError(`The ${s.method} weights are ${s.undefinedReason ?? "not defined"}; pick another method.`);
    const suggested = new Map(r.names.map((name, i) => [name, s.weights[i] as number]));
    const registered = deps.registrations.list(userId);
    return {
      method: s.method,
      entries: registered.map((reg) => ({ name: reg.name, weight: suggested.get(reg.name) ?? 0 })),
      previous: registered.map((reg) => ({ name: reg.name, weight: reg.declaredWeight })),
      weightSource: deps.settings.get(userId).weightSource,
    };
  }

  return {
    propose,
    /**
     * Declares the suggestion of `opts.method` as the caller's weights (recomputed now, all or none).
     * @throws UserFacingError as `propose`, or when setDeclaredWeights refuses (nothing changes)
     */
    adopt(userId: string, opts: AdoptOptions): WeightProposal {
      const proposal = propose(userId, opts);
      const set = deps.registrations.setDeclaredWeights(userId, proposal.entries);
      return { ...proposal, entries: set };
    },
  };
}

export type AdoptionService = ReturnType<typeof createAdoptionService>;
