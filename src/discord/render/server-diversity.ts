/** /server diversity: are members' own models more alike than models across members? */
import type { APIEmbed } from "discord.js";
import type { PortfolioService } from "../../services/portfolio.js";
import { renderHistograms } from "./charts/index.js";
import { COLORS, fmt, int, notesFooter, plural, roundsShort, roundsText } from "./format.js";
import { fitToLimits, type MessagePayload } from "./payload.js";

export type ServerDiversityResult = ReturnType<PortfolioService["serverDiversity"]>;

/**
 * What the two means show, by one rule: means that print the same at two decimals are equal;
 * otherwise the sentence says which group correlates more, with both numbers.
 */
export function diversityReading(within: number, across: number): string {
  if (!Number.isFinite(within) || !Number.isFinite(across)) return "Not enough data to compare the two groups yet.";
  const w = fmt(within, 2);
  const a = fmt(across, 2);
  if (w === a) return `Pairs within a member and across members correlate equally on average (mean ρ ${w}).`;
  return within > across
    ? `Pairs of one member's models correlate more than pairs from two members (mean ρ ${w} vs ${a}): members' own models are more alike than models of different members.`
    : `Pairs from two members correlate more than pairs of one member's models (mean ρ ${a} vs ${w}): models of different members are more alike than members' own models.`;
}

/** "13 of 40 within-member pairs" at ρ ≥ the near-duplicate threshold. */
function nearDuplicates(r: ServerDiversityResult): string {
  const count = (xs: readonly number[]) => xs.filter((x) => Number.isFinite(x) && x >= r.nearDuplicateRho).length;
  const total = (xs: readonly number[]) => xs.filter(Number.isFinite).length;
  return (
    `Near-duplicates (ρ ≥ ${fmt(r.nearDuplicateRho, 2)}): ${int(count(r.within.values))} of ${plural(total(r.within.values), "pair")} within a member, ` +
    `${int(count(r.across.values))} of ${plural(total(r.across.values), "pair")} across members.`
  );
}

function meanText(part: ServerDiversityResult["within"], what: string): string {
  const n = part.values.filter(Number.isFinite).length;
  return n === 0 ? `${what}: no pairs with enough shared rounds.` : `${what}: mean ρ **${fmt(part.mean, 2)}** over ${plural(n, "pair")}.`;
}

export function renderServerDiversity(r: ServerDiversityResult): MessagePayload {
  const reading = diversityReading(r.within.mean, r.across.mean);

  const chart = renderHistograms({
    title: "Pair correlations in this server",
    subtitle: `${plural(r.members, "opted-in member")}, ${plural(r.models, "model")} · ${r.scoreLabel} · ${roundsShort(r.rounds)}`,
    panels: [
      { name: "Within a member (pairs of one member's models)", values: r.within.values },
      { name: "Across members (pairs from two members)", values: r.across.values },
    ],
    bins: 20,
    range: [-1, 1],
  });
  const footer = notesFooter(r.notes, ["Only members who ran /server optin are included; nobody's model names are shown."]);
  const embed: APIEmbed = {
    title: "Server diversity",
    description: [
      `${plural(r.members, "opted-in member")} with ${int(r.models)} models between them.`,
      meanText(r.within, "Within a member"),
      meanText(r.across, "Across members"),
      roundsText(r.rounds),
      "",
      reading,
      nearDuplicates(r),
    ].join("\n"),
    color: COLORS.info,
    image: { url: "attachment://server-diversity.png" },
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({
    embeds: [embed],
    files: [{ name: "server-diversity.png", data: chart.png, description: "Histograms of pair correlations within and across members" }],
  });
}
