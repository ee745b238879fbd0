/**
 * /alerts replies and the daily alert message. Pure: data in, payload out. The message's footer
 * carries the delivery's reference (as the digest's does), so a post whose recording was lost is
 * found again instead of posted twice.
 */
import type { AlertDelivery, AlertSubscription } from "../../db/repositories/alerts.js";
import { ALERT_KINDS, type AlertKind, type AlertSubscribed } from "../../services/alerts.js";
import { footerRef } from "./digest.js";
import { COLORS, linesWithin, safeName, utc } from "./format.js";
import { LIMITS, type MessagePayload } from "./payload.js";

/** The /alerts kind choices, straight from ALERT_KINDS. */
export const ALERT_KIND_CHOICES = (Object.keys(ALERT_KINDS) as AlertKind[]).map((value) => ({ name: `${value} — ${ALERT_KINDS[value].label}`, value }));

/** The option help of `threshold`: every kind's meaning and default. */
export const THRESHOLD_HELP = "Per kind; default " + (Object.keys(ALERT_KINDS) as AlertKind[]).map((k) => `${k} ${ALERT_KINDS[k].threshold.default}`).join(", ");

const placeText = (s: Pick<AlertSubscription, "target" | "channelId">) => (s.target === "dm" ? "your direct messages" : `<#${s.channelId ?? "?"}>`);

function info(description: string): MessagePayload {
  return { embeds: [{ title: "Alerts", description, color: COLORS.info }] };
}

function settingsText(s: Pick<AlertSubscription, "kind" | "threshold" | "rounds">): string {
  const spec = ALERT_KINDS[s.kind];
  const window = s.rounds !== null ? `, over the last ${s.rounds} resolved rounds` : "";
  return `**${s.kind}** (${spec.label}): ${spec.threshold.what} ${s.threshold}${window}`;
}

export function renderAlertSubscribed(r: AlertSubscribed): MessagePayload {
  const s = r.subscription;
  const lines = [
    `${r.created ? "Subscribed" : "Updated"}: ${settingsText(s)} — ${ALERT_KINDS[s.kind].description}.`,
    `Alerts go to ${placeText(s)}, at most one message a day.`,
    "Nothing fires for what is already true now: the next hourly check takes the baseline, and only changes after it are sent.",
  ];
  if (r.moved > 0) lines.push(`Your ${r.moved === 1 ? "other alert goes" : `other ${r.moved} alerts go`} there too now (all your alerts share one place).`);
  return info(lines.join("\n"));
}

export function renderAlertUnsubscribed(kind: AlertKind, changed: boolean): MessagePayload {
  return info(changed ? `Unsubscribed from **${kind}** alerts.` : `You had no active **${kind}** alert. /alerts list shows yours.`);
}

export function renderAlertList(r: { subscriptions: readonly AlertSubscription[]; lastDelivery: AlertDelivery | null }): MessagePayload {
  if (r.subscriptions.length === 0) return info(`You have no alerts. /alerts subscribe starts one (kinds: ${Object.keys(ALERT_KINDS).join(", ")}).`);
  const lines = r.subscriptions.map((s) => {
    const state =
      s.status === "active"
        ? `active, to ${placeText(s)}${s.baselineAt ? `, checked ${utc(s.lastCheckAt)}` : ", baseline at the next hourly check"}`
        : s.status === "disabled"
          ? `**turned off** ${utc(s.disabledAt)}: ${s.disabledReason ?? "Discord refused it"}. Run /alerts subscribe kind:${s.kind} again once that is fixed`
          : "unsubscribed";
    return `• ${settingsText(s)} — ${state}.`;
  });
  const d = r.lastDelivery;
  if (d) lines.push(`**Last message:** ${d.day} — ${d.status}${d.detail ? ` (${d.detail})` : ""}.`);
  return info(linesWithin(lines, LIMITS.embedDescription));
}

/** The day's one alert message: every occurrence, grouped by kind. */
export function renderAlertMessage(m: { day: string; items: ReadonlyArray<{ kind: AlertKind; text: string }> }, ref: string): MessagePayload {
  const lines: string[] = [];
  let last: AlertKind | null = null;
  for (const item of m.items) {
    if (item.kind !== last) lines.push(`**${ALERT_KINDS[item.kind].label}**`);
    last = item.kind;
    lines.push(`• ${safeName(item.text, 300)}`);
  }
  return {
    embeds: [
      {
        title: `Portfolio alerts — ${m.day}`,
        description: linesWithin(lines, LIMITS.embedDescription),
        color: COLORS.warn,
        footer: { text: `/alerts list shows your alerts, /alerts unsubscribe stops one · ${footerRef(ref)}` },
      },
    ],
  };
}

