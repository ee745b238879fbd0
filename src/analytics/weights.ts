/**
 * The one rule for the weight each model gets in a portfolio view (README, "Weights"). Pure:
 * the services read declared weights and stakes from the store and pass them in.
 */

/** Where a model's weight came from. */
export type WeightOrigin = "declared" | "stake" | "equal";

/**
 * What the user can choose with `/models weight-source` (null: not chosen, the same as "declared").
 * The one list: the schema's enum, the command's choices and every type derive from it. It lives
 * here, not in the schema, because this rule is what reads it and analytics imports nothing of the app.
 */
export const WEIGHT_POLICIES = ["declared", "api", "equal"] as const;
export type WeightPolicy = (typeof WEIGHT_POLICIES)[number];

export interface WeightInput {
  /** The user's declared share (0.3 = 30%; 0 = left out on purpose), or null when none is declared. */
  readonly declared: number | null;
  /** Numerai's latest stake at risk (NMR); NaN, 0 or less when unknown or unstaked. */
  readonly stake: number;
}

export interface ResolvedWeights {
  /** Non-negative, summing to 1. */
  readonly values: Float64Array;
  readonly origins: readonly WeightOrigin[];
}

const hasStake = (x: WeightInput) => Number.isFinite(x.stake) && x.stake > 0;

/**
 * One weight per model, never a silent 0 for a model without a declared weight.
 * Declared shares dᵢ are kept as given; the rest R = 1 − Σd goes to the u models without one,
 * R/u each, except that the slots of the models with a Numerai stake are pooled and split in
 * proportion to their stakes: with k of them staked, model i gets R·(k/u)·sᵢ/Σsⱼ. So a model
 * without a declared weight gets its stake share when its stake is known, else an equal share
 * of what remains. When the declared shares leave nothing (Σd ≥ 1, e.g. amounts declared as
 * NMR), each undeclared model gets 1/N and the declared ones share the rest in proportion to dᵢ.
 * When every model is declared, dᵢ / Σd (equal weights if all are 0). Policy "api" ignores
 * declared weights; "equal" gives every model 1/N.
 * @throws if `inputs` is empty
 * @example resolvePortfolioWeights([{ declared: 0.4, stake: NaN }, { declared: null, stake: 100 }, { declared: null, stake: 300 }, { declared: null, stake: NaN }], null).values
 *   // => [0.4, 0.1, 0.3, 0.2]  (R = 0.6: the unstaked model gets 0.6/3; the two staked share 0.4 as 1:3)
 */
export function resolvePortfolioWeights(inputs: readonly WeightInput[], policy: WeightPolicy | null): ResolvedWeights {
  const n = inputs.length;
  if (n === 0) throw new Error("resolvePortfolioWeights requires at least one model");
  const values = new Float64Array(n);
  const origins: WeightOrigin[] = new Array<WeightOrigin>(n).fill("equal");
  if (policy === "equal") return { values: values.fill(1 / n), origins };

  const declared: number[] = [];
  const undeclared: number[] = [];
  inputs.forEach((x, i) => {
    if (policy !== "api" && x.declared !== null) {
      declared.push(i);
      origins[i] = "declared";
      values[i] = Number.isFinite(x.declared) ? Math.max(0, x.declared) : 0;
    } else undeclared.push(i);
  });
  const declaredTotal = declared.reduce((s, i) => s + (values[i] as number), 0);

  if (undeclared.length === 0) {
    if (declaredTotal > 0) for (const i of declared) values[i] = (values[i] as number) / declaredTotal;
    else {
      values.fill(1 / n);
      origins.fill("equal");
    }
    return { values, origins };
  }
  if (declaredTotal >= 1) {
    const left = 1 - undeclared.length / n;
    for (const i of declared) values[i] = ((values[i] as number) / declaredTotal) * left;
    for (const i of undeclared) values[i] = 1 / n;
    return { values, origins };
  }

  const rest = 1 - declaredTotal;
  const slot = rest / undeclared.length;
  const staked = undeclared.filter((i) => hasStake(inputs[i] as WeightInput));
  const stakeTotal = staked.reduce((s, i) => s + (inputs[i] as WeightInput).stake, 0);
  for (const i of undeclared) values[i] = slot;
  for (const i of staked) {
    values[i] = slot * staked.length * ((inputs[i] as WeightInput).stake / stakeTotal);
    origins[i] = "stake";
  }
  return { values, origins };
}

/**
 * Σ wᵢ of weights a statistic is about to use, after checking each is finite and ≥ 0 and the
 * total positive; the errors name the caller and what its weights are ("current weight").
 * @throws "<who> requires finite, non-negative <noun>s"
 * @throws "<who> requires a positive <noun>"
 */
export function checkedWeightTotal(weights: ArrayLike<number>, who: string, noun = "weight"): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const v = weights[i] as number;
    if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${who} requires finite, non-negative ${noun}s`);
    total += v;
  }
  if (!(total > 0)) throw new Error(`${who} requires a positive ${noun}`);
  return total;
}
