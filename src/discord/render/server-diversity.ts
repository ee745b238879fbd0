/** /server diversity: are members' own models more alike than models across members? */
import type { APIEmbed } from "discord.js";
import type { PortfolioService } from "../../services/portfolio.js";
import { renderHistograms } from "./charts/index.js";
import { COLORS, fmt, int, notesFooter, plural } from "./format.js";
import { fitToLimits, type MessagePayload } from "./payload.js";

export type ServerDiversityResult = ReturnType<PortfolioService["serverDiversity"]>;

/** A gap smaller than this is not worth a sentence. */
const NOTABLE_GAP = 0.1;

function meanText(part: ServerDiversityResult["within"], what: string): string {
  const n = part.values.filter(Number.isFinite).length;
  return n === 0 ? `${what}: no pairs with enough shared rounds.` : `${what}: mean ρ **${fmt(part.mean, 2)}** over ${plural(n, "pair")}.`;
}

export function renderServerDiversity(r: ServerDiversityResult): MessagePayload {
  const gap = r.within.mean - r.across.mean;
  let reading: string;
  if (!Number.isFinite(gap)) reading = "Not enough data to compare the two groups yet.";
  else if (gap >= NOTABLE_GAP) {
    reading = "Members' own models are more alike than models of different members: the server as a whole is more diverse than any one member's set.";
  } else if (gap <= -NOTABLE_GAP) {
    reading = "Models of different members are more alike than members' own models: members are converging on similar ideas.";
  } else reading = "Pairs within a member and across members correlate about equally.";

  const chart = renderHistograms({
    title: "Pair correlations in this server",
    subtitle: `${plural(r.members, "opted-in member")}, ${plural(r.models, "model")} · ${r.scoreLabel}`,
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
      "",
      reading,
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
