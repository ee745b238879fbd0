/**
 * The digest use cases: subscribe, unsubscribe, status and preview for a caller, and a reader for
 * a dispatch run. Plain data in and out; Discord specifics (channel types, nonces, thread titles,
 * wording) stay in src/discord and src/jobs.
 */
import { targetKeyOf, type Delivery, type DigestKind, type DigestRepository, type Subscription } from "../../db/repositories/digests.js";
import type { RegistrationRepository, UserSettingsRepository } from "../../db/repositories/models.js";
import { UserFacingError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { PortfolioService } from "../portfolio.js";
import { quoteInput } from "../quote-input.js";
import type { SeriesCache } from "../series.js";
import { createDigestLoader } from "./loader.js";
import {
  canonicalTimeZone,
  DEFAULT_SCHEDULE,
  localDate,
  nextOccurrence,
  WEEKDAYS,
  type DigestSchedule,
  type Occurrence,
} from "./schedule.js";
import { buildDigestFor, buildServerDigest, type ServerDigest } from "./server.js";
import type { WeeklyDigest } from "./weekly.js";

/** Where a subscription posts: the caller's DMs, or a channel/forum the command layer checked. */
export type DigestTarget =
  | { readonly kind: "dm"; readonly guildId: null; readonly channelId: null }
  | { readonly kind: Exclude<DigestKind, "dm">; readonly guildId: string; readonly channelId: string };

export const DM_TARGET: DigestTarget = { kind: "dm", guildId: null, channelId: null };

/** The schedule options as typed; anything left out keeps the active subscription's value (or the default). */
export interface ScheduleRequest {
  readonly day: string | null;
  readonly hour: number | null;
  readonly timezone: string | null;
}

export interface Subscribed {
  readonly subscription: Subscription;
  readonly created: boolean;
  readonly schedule: DigestSchedule;
  readonly first: Occurrence;
  /** False when a DM subscriber has no models yet (the digest would have nothing to say). */
  readonly hasModels: boolean;
}

export interface DigestStatusEntry {
  readonly subscription: Subscription;
  readonly last: Delivery | undefined;
  /** The next scheduled digest of an active subscription. */
  readonly next: Occurrence | null;
}

export type DigestPreview =
  | { readonly scope: "personal"; readonly week: string; readonly digest: WeeklyDigest }
  | { readonly scope: "server"; readonly week: string; readonly server: ServerDigest };

export interface DigestServiceDeps {
  readonly digests: DigestRepository;
  /** The series cache the portfolio service reads through: a digest run reads each model through it too. */
  readonly series: SeriesCache;
  readonly portfolio: Pick<PortfolioService, "serverDiversity">;
  readonly settings: Pick<UserSettingsRepository, "optedIn">;
  readonly registrations: Pick<RegistrationRepository, "listForUser">;
  readonly logger: Logger;
}

function parseWeekday(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const i = WEEKDAYS.indexOf(raw.trim().toLowerCase() as (typeof WEEKDAYS)[number]);
  if (i < 0) throw new UserFacingError(`"${quoteInput(raw, 20)}" is not a day of the week.`);
  return i + 1;
}

/** The schedule a request asks for, on top of `base`; refuses an unknown zone, day or hour. */
export function parseSchedule(request: ScheduleRequest, base: DigestSchedule = DEFAULT_SCHEDULE): DigestSchedule {
  let timezone = base.timezone;
  if (request.timezone !== null) {
    const canonical = canonicalTimeZone(request.timezone);
    if (!canonical) {
      throw new UserFacingError(`"${quoteInput(request.timezone, 64)}" is not a timezone I know. Use an IANA name such as Europe/Paris, America/New_York or UTC.`);
    }
    timezone = canonical;
  }
  const hour = request.hour ?? base.hour;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new UserFacingError("The hour must be a whole number from 0 to 23.");
  return { weekday: parseWeekday(request.day, base.weekday), hour, timezone };
}

export function createDigestService(deps: DigestServiceDeps) {
  const repo = deps.digests;
  const log = deps.logger.child({ module: "digest" });
  const keyOf = (userId: string, target: Pick<DigestTarget, "kind" | "channelId">) => targetKeyOf({ ...target, discordUserId: userId });

  /** A reader for one run: each model's series is read once and shared by every digest built from it. */
  function startRun() {
    const loader = createDigestLoader(repo, deps.series);
    return {
      /** Reads these users' registrations and series together (a batch of a run). */
      prepare: (userIds: readonly string[]) => loader.prepare(userIds),
      /** One subscriber's digest for the week ending at `at`; null without models. */
      personal: (userId: string, at: Date) => buildDigestFor(loader, userId, at),
      /** A server's digest for the week ending at `at`. */
      server: (guildId: string, at: Date) => buildServerDigest({ portfolio: deps.portfolio, settings: deps.settings }, loader, guildId, at),
    };
  }

  return {
    startRun,

    /** Starts or updates the subscription of `target`; nothing is posted before its first time. */
    subscribe(userId: string, target: DigestTarget, request: ScheduleRequest, now: Date): Subscribed {
      const existing = repo.findByTarget(keyOf(userId, target));
      const schedule = parseSchedule(request, existing?.status === "active" ? existing : DEFAULT_SCHEDULE);
      const { subscription, created } = repo.subscribe({ ...target, discordUserId: userId, ...schedule }, now);
      log.info({ subscriptionId: subscription.id, kind: subscription.kind, userId, guildId: target.guildId }, "digest subscribed");
      return {
        subscription,
        created,
        schedule,
        first: nextOccurrence(now, schedule),
        hasModels: target.kind !== "dm" || deps.registrations.listForUser(userId).length > 0,
      };
    },

    /** Stops the subscription of `target`; false when there was no active one. */
    unsubscribe(userId: string, target: DigestTarget, now: Date): boolean {
      const changed = repo.unsubscribe(keyOf(userId, target), now);
      log.info({ kind: target.kind, userId, guildId: target.guildId, changed }, "digest unsubscribed");
      return changed;
    },

    /**
     * The caller's DM subscription and, in a channel, the one of that channel or of the forum the
     * caller is in: each with its last delivery and, when active, its next time.
     */
    status(userId: string, here: { readonly channelId: string; readonly parentChannelId: string | null } | null, now: Date): DigestStatusEntry[] {
      const found: Subscription[] = [];
      const dm = repo.findByTarget(keyOf(userId, DM_TARGET));
      if (dm) found.push(dm);
      if (here) {
        const channel = repo.findByTarget(keyOf(userId, { kind: "channel", channelId: here.channelId }));
        if (channel) found.push(channel);
        const forum = here.parentChannelId ? repo.findByTarget(keyOf(userId, { kind: "forum", channelId: here.parentChannelId })) : undefined;
        if (forum) found.push(forum);
      }
      return found.map((s) => ({
        subscription: s,
        last: repo.lastDelivery(s.id),
        // A subscription made after this week's time waits for the next one.
        next: s.status === "active" ? nextOccurrence(new Date(Math.max(now.getTime(), s.activeFrom.getTime() - 1)), s) : null,
      }));
    },

    /** This week's digest now, personal or of the caller's server; the week is today's date in the caller's zone. */
    preview(userId: string, scope: { readonly server: false } | { readonly server: true; readonly guildId: string | null }, now: Date): DigestPreview {
      const zone = repo.findByTarget(keyOf(userId, DM_TARGET))?.timezone ?? "UTC";
      const week = localDate(now, zone);
      const run = startRun();
      if (scope.server) {
        if (!scope.guildId) throw new UserFacingError("A server digest preview works inside a server.");
        return { scope: "server", week, server: run.server(scope.guildId, now) };
      }
      const digest = run.personal(userId, now);
      if (!digest) throw new UserFacingError("You have no models yet. Add one with /models add, then preview again.");
      return { scope: "personal", week, digest };
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
export type DigestRun = ReturnType<DigestService["startRun"]>;
