/**
 * The weekly digest as Discord messages: a personal digest (one embed + the cumulative-score
 * chart) and a server digest (every opted-in member's line, the within- vs across-member view,
 * and one chart). Pure: data in, payload out, within Discord's limits. The footer carries the
 * delivery's reference, which is how a post whose recording was lost is recognised later.
 */
import type { APIEmbed } from "discord.js";
import type { Subscription } from "../../db/repositories/digests.js";
import { WEEKDAYS, type DigestSchedule } from "../../services/digest/schedule.js";
import type { ServerDigest } from "../../services/digest/server.js";
import type { DigestPreview, DigestStatusEntry, Subscribed } from "../../services/digest/service.js";
import type { WeeklyDigest } from "../../services/digest/weekly.js";
import { renderLineChart } from "./charts/index.js";
import { weightSourceText } from "./contribution.js";
import { COLORS, NA, codeBlockTable, fmt, fmtSigned, int, linesWithin, pct, plural, safeName, safeNames, utc, zoned } from "./format.js";
import { fitToLimits, LIMITS, truncate, type FileAttachment, type MessagePayload } from "./payload.js";

/** What the footer says before the delivery reference; `footerRef` finds it again. */
export const REF_PREFIX = "ref ";

export function footerRef(ref: string): string {
  return `${REF_PREFIX}${ref}`;
}

export interface DigestRenderOptions {
  /** The week key (YYYY-MM-DD): in the title and the chart's file name. */
  readonly week: string;
  /** The delivery's nonce, shown in the footer (null for a preview). */
  readonly ref: string | null;
  /** Attach the chart (default true). */
  readonly chart?: boolean;
  readonly preview?: boolean;
}

/** "78th percentile" and friends; "n/a" when undefined. */
export function ordinalPercent(p: number): string {
  if (!Number.isFinite(p)) return NA;
  const n = Math.round(p * 100);
  const mod100 = n % 100;
  const suffix = mod100 >= 11 && mod100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function roundRange(rounds: readonly number[]): string {
  if (rounds.length === 0) return "none";
  const first = rounds[0] as number;
  const last = rounds[rounds.length - 1] as number;
  return first === last ? `round ${first}` : `rounds ${first}–${last} (${rounds.length})`;
}

/** The week's headline lines (shared by the personal and, shortened, the server digest). */
export function weekLines(d: WeeklyDigest): string[] {
  const lines = [`**This week:** ${roundRange(d.newRounds)} resolved.`];
  const w = d.portfolio.week;
  if (w) {
    const vs = Number.isFinite(w.percentile)
      ? ` — ${ordinalPercent(w.percentile)} percentile among your ${int(w.historyBlocks)} earlier ${int(w.weekRounds)}-round stretches (their mean ${fmtSigned(w.historyMean, 4)})`
      : "";
    lines.push(`**Portfolio:** ${fmtSigned(w.weekMean, 4)} per round (sum ${fmtSigned(w.weekSum, 4)})${vs}.`);
  }
  lines.push(`**Cumulative:** ${fmtSigned(d.portfolio.cumulative, 3)} over ${plural(d.portfolio.rounds, "round")}.`);
  const modelLine = (label: string, m: NonNullable<WeeklyDigest["best"]>) =>
    `${label}: **${safeName(m.name)}** ${fmtSigned(m.weekMean, 4)} per round` +
    (Number.isFinite(m.percentile) ? ` (its ${ordinalPercent(m.percentile)} percentile)` : ` (its usual ${fmtSigned(m.historyMean, 4)})`);
  const parts = [d.best ? modelLine("Best", d.best) : null, d.worst ? modelLine("Worst", d.worst) : null].filter((x): x is string => x !== null);
  if (parts.length > 0) lines.push(parts.join(" · "));
  return lines;
}

/** "Your 11 models were 4.1 bets in June, 3.3 now (60-round windows; /history draws it)." */
export function betsThroughTimeLine(d: WeeklyDigest): string | null {
  const b = d.betsThroughTime;
  if (!b) return null;
  const month = b.month.toLocaleString("en-GB", { month: "long", timeZone: "UTC" });
  return `Your ${plural(b.models, "model")} were ${fmt(b.then, 1)} bets in ${month}, ${fmt(b.now, 1)} now (${b.window}-round windows; \`/history\` draws it).`;
}

function diversificationField(d: WeeklyDigest): { name: string; value: string } {
  const snaps = [d.diversification.now, d.diversification.weeksAgo4, d.diversification.weeksAgo12];
  let value: string;
  if (!snaps[0]) {
    value = d.modelCount < 2 ? "Needs at least two models." : "Not enough shared rounds yet.";
  } else {
    value = codeBlockTable(
      {
        headers: ["", "now", "4 wk ago", "12 wk ago"],
        rows: [
          ["avg pair ρ", ...snaps.map((s) => (s ? fmt(s.averageCorrelation, 2) : NA))],
          ["indep. bets", ...snaps.map((s) => (s ? fmt(s.effectiveBets, 1) : NA))],
        ],
      },
      400,
    ).text;
    const line = betsThroughTimeLine(d);
    if (line) value += `\n${line}`;
    const dup = d.newNearDuplicates;
    const pairName = safeNames(
      dup.flatMap((p) => [p.a, p.b]),
      30,
    );
    value +=
      dup.length === 0
        ? `\nNo new near-duplicate pair (ρ ≥ ${fmt(d.nearDuplicateRho, 2)}).`
        : `\n**New near-duplicate${dup.length > 1 ? "s" : ""}:** ` +
          linesWithin(
            dup.map((p) => `${pairName(p.a)} & ${pairName(p.b)} (ρ ${fmt(p.rho, 2)})`),
            500,
          ).replace(/\n/g, ", ");
  }
  return { name: "Diversification", value: truncate(value, LIMITS.fieldValue) };
}

function contributionField(d: WeeklyDigest): { name: string; value: string } | null {
  const c = d.contribution;
  if (!c) return null;
  const parts: string[] = [];
  if (c.top) parts.push(`Top marginal Sharpe: **${safeName(c.top.name)}** (${fmtSigned(c.top.marginalSharpe, 3)} leave-one-out)`);
  if (c.bottom) {
    const effect = c.bottom.marginalSharpe < 0 ? ": your Sharpe would be higher without it" : "";
    parts.push(`Bottom: **${safeName(c.bottom.name)}** (${fmtSigned(c.bottom.marginalSharpe, 3)}${effect})`);
  }
  if (c.bestHedge) {
    parts.push(
      `Best hedge: **${safeName(c.bestHedge.name)}** (${fmtSigned(c.bestHedge.meanWhenRestDown, 4)} per round in the ${int(c.bestHedge.roundsRestDown)} rounds the rest lost)`,
    );
  }
  if (parts.length === 0) return null;
  return { name: `Contribution (${plural(c.rounds, "shared round")})`, value: truncate(parts.join("\n"), LIMITS.fieldValue) };
}

const METHOD_NAMES: Record<string, string> = {
  equal: "Equal weights",
  inverseVariance: "Inverse-variance weights",
  minimumVariance: "Minimum-variance weights",
  hrp: "Hierarchical risk parity (HRP) weights",
  maximumSharpe: "Maximum-Sharpe weights",
};

function suggestionField(d: WeeklyDigest): { name: string; value: string } | null {
  const s = d.suggestion;
  if (!s) return null;
  const short = safeNames(
    s.weights.map((w) => w.name),
    24,
  );
  const changes = [...s.weights]
    .sort((a, b) => Math.abs(b.suggested - b.current) - Math.abs(a.suggested - a.current))
    .map((w) => `${short(w.name)} ${pct(w.suggested, 0)} (now ${pct(w.current, 0)})`);
  const head =
    `${METHOD_NAMES[s.method] ?? s.method} beat your current weights out of sample: Sharpe ${fmt(s.oosSharpe, 3)} vs ${fmt(s.currentOosSharpe, 3)} ` +
    `per round over ${plural(s.oosRounds, "round")}, and in both halves.`;
  const caveat = `*${s.caveat}*`;
  const room = LIMITS.fieldValue - head.length - caveat.length - 20;
  return { name: "Suggestion", value: truncate(`${head}\nSuggested: ${linesWithin(changes, Math.max(60, room)).replace(/\n/g, ", ")}\n${caveat}`, LIMITS.fieldValue) };
}

function chartPoints(d: WeeklyDigest): Array<{ x: number; y: number }> {
  const { rounds, cumulative } = d.portfolio.chart;
  return rounds.map((x, t) => ({ x, y: cumulative[t] as number }));
}

/** The cumulative portfolio score as a PNG attachment (null when there is nothing to draw). */
export function renderDigestChart(d: WeeklyDigest, week: string): FileAttachment | null {
  if (d.portfolio.chart.rounds.length < 2) return null;
  const image = renderLineChart({
    title: "Cumulative portfolio score",
    subtitle: `Your weighted portfolio, per round, up to the week of ${week}`,
    xLabel: "round",
    yLabel: "cumulative score",
    series: [{ name: "portfolio", points: chartPoints(d) }],
  });
  return { name: `digest-${week}.png`, data: image.png, description: "Cumulative portfolio score by round" };
}

/** Pure: one subscriber's weekly digest as a message. */
export function renderWeeklyDigest(d: WeeklyDigest, options: DigestRenderOptions): MessagePayload {
  const fields = [diversificationField(d), contributionField(d), suggestionField(d)].filter((f): f is { name: string; value: string } => f !== null);
  const chart = options.chart === false ? null : renderDigestChart(d, options.week);
  const footer = [
    `score = corr×mult + mmc×mult · weights: ${weightSourceText(d.weightSource)}`,
    ...d.notes,
    ...(options.ref ? [footerRef(options.ref)] : []),
  ].join(" · ");
  const embed: APIEmbed = {
    title: `${options.preview ? "Preview: " : ""}Weekly diversification digest — week of ${options.week}`,
    description: weekLines(d).join("\n"),
    color: COLORS.info,
    fields,
    footer: { text: footer },
    ...(chart ? { image: { url: `attachment://${chart.name}` } } : {}),
  };
  return fitToLimits({ embeds: [embed], ...(chart ? { files: [chart] } : {}) });
}

/** Pure: a server digest: the within/across view, then one line per opted-in member. */
export function renderServerDigest(sd: ServerDigest, options: DigestRenderOptions): MessagePayload {
  const div = sd.diversity;
  const head =
    "error" in div
      ? `**Within vs across members:** ${div.error}`
      : `**Within vs across members:** pairs of one member's models average ρ **${fmt(div.withinMean, 2)}** (${int(div.withinPairs)} pairs); ` +
        `pairs across members **${fmt(div.acrossMean, 2)}** (${int(div.acrossPairs)} pairs) — ${int(div.members)} members, ${int(div.models)} models.`;
  const charted = sd.members.filter((m) => m.digest && m.digest.portfolio.chart.rounds.length >= 2).slice(0, 8);
  const memberLines = sd.members.map((m, i) => {
    const tag = charted.includes(m) ? `#${charted.indexOf(m) + 1} ` : "";
    if (!m.digest) return `${i + 1}. <@${m.userId}> ${tag}— ${m.note ?? "no digest"}`;
    const d = m.digest;
    const w = d.portfolio.week;
    const week = w ? `week ${fmtSigned(w.weekMean, 4)}/round${Number.isFinite(w.percentile) ? ` (${ordinalPercent(w.percentile)} pct)` : ""}` : "no new rounds";
    const now = d.diversification.now;
    const ago = d.diversification.weeksAgo4;
    const bets = now ? ` · bets ${fmt(now.effectiveBets, 1)}${ago ? ` (4 wk ago ${fmt(ago.effectiveBets, 1)})` : ""}` : "";
    // Server views never name a member's models (the /server optin promise).
    const dup = d.newNearDuplicates.length > 0 ? ` · ${plural(d.newNearDuplicates.length, "new near-duplicate pair")}` : "";
    return `${i + 1}. <@${m.userId}> ${tag}— ${plural(d.modelCount, "model")} · ${week}${bets}${dup}`;
  });
  const description = `${head}\n\n${sd.members.length === 0 ? "No member has opted in yet (/server optin)." : linesWithin(memberLines, LIMITS.embedDescription - head.length - 10)}`;
  let chart: FileAttachment | null = null;
  if (options.chart !== false && charted.length > 0) {
    const image = renderLineChart({
      title: "Cumulative portfolio score by member",
      subtitle: `Up to the week of ${options.week}; numbers match the list`,
      xLabel: "round",
      yLabel: "cumulative score",
      series: charted.map((m, i) => ({ name: `#${i + 1}`, points: chartPoints(m.digest as WeeklyDigest) })),
    });
    chart = { name: `server-digest-${options.week}.png`, data: image.png, description: "Cumulative portfolio score per member" };
  }
  const embed: APIEmbed = {
    title: `${options.preview ? "Preview: " : ""}Server diversification digest — week of ${options.week}`,
    description,
    color: COLORS.info,
    footer: { text: ["Members shown have opted in with /server optin.", ...(options.ref ? [footerRef(options.ref)] : [])].join(" · ") },
    ...(chart ? { image: { url: `attachment://${chart.name}` } } : {}),
  };
  return fitToLimits({ embeds: [embed], ...(chart ? { files: [chart] } : {}) });
}

/** Markdown for the Discourse copy of a server digest (no Discord mentions; members by number). */
export function serverDigestMarkdown(sd: ServerDigest, week: string): { title: string; raw: string } {
  const payload = renderServerDigest(sd, { week, ref: null, chart: false });
  const embed = payload.embeds?.[0];
  const raw = (embed?.description ?? "").replace(/<@(\d+)>/g, "member");
  return { title: `Server diversification digest — week of ${week}`, raw: `${raw}\n\n_Posted by modelfolio._` };
}

/** The one message a subscriber gets when their digest is turned off. */
export function renderDisabledNotice(where: string, reason: string): MessagePayload {
  return {
    content: truncate(
      `Your weekly diversification digest for ${where} has been turned off: ${reason}. ` +
        "Once that is fixed, run `/digest subscribe` there again to turn it back on.",
      LIMITS.content,
    ),
  };
}

// ---------------------------------------------------------------------------- /digest replies

const DAY_LABELS = WEEKDAYS.map((d) => d[0]?.toUpperCase() + d.slice(1));

/** "Monday" … "Sunday", in option order (the /digest day choices). */
export const WEEKDAY_CHOICES = WEEKDAYS.map((value, i) => ({ name: DAY_LABELS[i] as string, value }));

/** "Mondays at 13:00 (Europe/Paris)". */
export function scheduleText(s: DigestSchedule): string {
  return `${DAY_LABELS[s.weekday - 1] ?? "?"}s at ${String(s.hour).padStart(2, "0")}:00 (${s.timezone})`;
}

const placeText = (s: Pick<Subscription, "kind" | "channelId">) =>
  s.kind === "dm" ? "your direct messages" : s.kind === "forum" ? `a new post in <#${s.channelId}> each week` : `<#${s.channelId}>`;

function messageLink(s: Subscription, channelId: string | null, messageId: string | null): string {
  if (!channelId || !messageId) return "";
  return ` — https://discord.com/channels/${s.guildId ?? "@me"}/${channelId}/${messageId}`;
}

function info(description: string): MessagePayload {
  return { embeds: [{ title: "Weekly digest", description, color: COLORS.info }] };
}

/** The reply to /digest subscribe. */
export function renderSubscribed(r: Subscribed): MessagePayload {
  const lines = [
    `${r.created ? "Subscribed" : "Updated"}: the digest goes to ${placeText(r.subscription)}, ${scheduleText(r.schedule)}.`,
    `First one: ${zoned(r.first.at, r.schedule.timezone)}. Nothing is posted before then; /digest preview shows this week's now.`,
  ];
  if (!r.hasModels) lines.push("You have no models yet: add them with /models add, or the digest has nothing to say.");
  if (r.subscription.kind !== "dm") lines.push("Members appear in it once they opt in with /server optin.");
  return info(lines.join("\n"));
}

/** The reply to /digest unsubscribe. */
export function renderUnsubscribed(kind: Subscription["kind"], changed: boolean): MessagePayload {
  return info(changed ? `Unsubscribed: no more digests in ${kind === "dm" ? "your direct messages" : "this channel"}.` : "There was no active digest subscription there.");
}

function statusLines({ subscription: s, last, next }: DigestStatusEntry): string[] {
  const lines = [`**Where:** ${placeText(s)}`, `**When:** ${scheduleText(s)}`];
  if (next) {
    lines.push(`**Next:** ${zoned(next.at, s.timezone)}`);
  } else if (s.status === "disabled") {
    lines.push(`**Turned off** ${utc(s.disabledAt)}: ${s.disabledReason ?? "Discord refused it"}. Run /digest subscribe there again once that is fixed.`);
  } else {
    lines.push("**Unsubscribed.**");
  }
  if (last) {
    const detail = last.detail ? ` (${last.detail})` : "";
    lines.push(`**Last:** week of ${last.week} — ${last.status}${detail}${last.status === "sent" ? messageLink(s, last.channelId, last.messageId) : ""}`);
  } else {
    lines.push("**Last:** none yet.");
  }
  return lines;
}

/** The reply to /digest status: one embed per subscription found. */
export function renderDigestStatus(entries: readonly DigestStatusEntry[]): MessagePayload {
  if (entries.length === 0) return info("No digest subscription for you or this channel. /digest subscribe starts one.");
  return {
    embeds: entries.map((e) => ({
      title: e.subscription.kind === "dm" ? "Your weekly digest" : "This channel's weekly digest",
      description: statusLines(e).join("\n"),
      color: e.subscription.status === "active" ? COLORS.good : e.subscription.status === "disabled" ? COLORS.bad : COLORS.neutral,
    })),
  };
}

/** The reply to /digest preview: the digest as it would be posted, marked as a preview, without a reference. */
export function renderDigestPreview(p: DigestPreview): MessagePayload {
  const options = { week: p.week, ref: null, preview: true };
  return p.scope === "server" ? renderServerDigest(p.server, options) : renderWeeklyDigest(p.digest, options);
}
