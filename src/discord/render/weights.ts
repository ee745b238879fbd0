/** "Weights used": each model's weight and where it came from, shared by every analysis reply. */
import type { APIEmbedField } from "discord.js";
import type { WeightUsed } from "../../services/portfolio.js";
import { pct, safeName } from "./format.js";

const ORIGIN_LABEL: Readonly<Record<WeightUsed["origin"], string>> = {
  declared: "declared",
  stake: "Numerai stake",
  equal: "equal share",
  explicit: "--weights",
};

/** Grouped by origin, largest first: "declared: a 30%, b 20% · Numerai stake: c 12% · equal share, 9.5% each: d, e". */
export function weightsUsedText(used: readonly WeightUsed[], maxChars = 1024): string {
  const groups: string[] = [];
  for (const origin of ["explicit", "declared", "stake", "equal"] as const) {
    const of = used.filter((u) => u.origin === origin).sort((a, b) => b.weight - a.weight);
    if (of.length === 0) continue;
    const shown = of.map((u) => pct(u.weight, 1));
    // The same share for the whole group (equal shares, usually): said once.
    groups.push(
      of.length > 1 && shown.every((x) => x === shown[0])
        ? `${ORIGIN_LABEL[origin]}, ${shown[0]} each: ${of.map((u) => safeName(u.name, 32)).join(", ")}`
        : `${ORIGIN_LABEL[origin]}: ${of.map((u, i) => `${safeName(u.name, 32)} ${shown[i]}`).join(", ")}`,
    );
  }
  const text = groups.join(" · ");
  if (text.length <= maxChars) return text;
  // Too many models for one field: counts and totals per origin instead of names.
  return ["explicit", "declared", "stake", "equal"]
    .map((origin) => {
      const of = used.filter((u) => u.origin === origin);
      return of.length === 0 ? null : `${ORIGIN_LABEL[origin as WeightUsed["origin"]]}: ${of.length} models, ${pct(of.reduce((s, u) => s + u.weight, 0), 1)} in all`;
    })
    .filter((x) => x !== null)
    .join(" · ");
}

export function weightsUsedField(used: readonly WeightUsed[]): APIEmbedField {
  return { name: "Weights used", value: weightsUsedText(used) || "none" };
}
