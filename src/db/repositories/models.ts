import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { WeightPolicy } from "../../analytics/weights.js";
import type { Db } from "../open.js";
import { models, registrations, serverOptIns, userSettings } from "../schema.js";

export interface ModelRow {
  readonly id: string;
  readonly name: string;
  readonly tournament: number;
  readonly source: "numerai" | "import";
}

export interface RegistrationRow extends ModelRow {
  readonly declaredWeight: number | null;
  readonly registeredAt: Date;
}

/** Model names are stored lowercased: Numerai's model names are case-insensitive. */
export const normalizeModelName = (name: string) => name.trim().toLowerCase();

export function createModelRepository(db: Db, tournament: number) {
  return {
    findByName(name: string): ModelRow | undefined {
      return db
        .select({ id: models.id, name: models.name, tournament: models.tournament, source: models.source })
        .from(models)
        .where(and(eq(models.tournament, tournament), eq(models.name, normalizeModelName(name))))
        .get();
    },

    findById(id: string): ModelRow | undefined {
      return db
        .select({ id: models.id, name: models.name, tournament: models.tournament, source: models.source })
        .from(models)
        .where(eq(models.id, id))
        .get();
    },

    /** Names seen in the store that start with `prefix` (autocomplete for /models add). */
    searchNames(prefix: string, limit = 25): string[] {
      return db
        .select({ name: models.name })
        .from(models)
        .where(and(eq(models.tournament, tournament), sql`${models.name} LIKE ${escapeLike(normalizeModelName(prefix)) + "%"} ESCAPE '\\'`))
        .orderBy(asc(models.name))
        .limit(limit)
        .all()
        .map((r) => r.name);
    },

    /**
     * Records a model whose id the API confirmed. A model first seen through a CSV import carries a
     * local id; it is re-keyed to the real one (scores follow by ON UPDATE CASCADE).
     */
    upsertVerified(id: string, name: string): ModelRow {
      const normalized = normalizeModelName(name);
      return db.transaction((tx) => {
        const existing = tx
          .select({ id: models.id, source: models.source })
          .from(models)
          .where(and(eq(models.tournament, tournament), eq(models.name, normalized)))
          .get();
        if (existing && existing.id !== id) {
          tx.update(models).set({ id, source: "numerai" }).where(eq(models.id, existing.id)).run();
        } else if (!existing) {
          tx.insert(models).values({ id, name: normalized, tournament, source: "numerai" }).onConflictDoNothing().run();
        }
        return { id, name: normalized, tournament, source: "numerai" as const };
      });
    },

    /** For imports: the model by name, creating a local one (`import:<name>`) when unknown. */
    ensureImported(name: string): ModelRow {
      const normalized = normalizeModelName(name);
      const existing = this.findByName(normalized);
      if (existing) return existing;
      const row = { id: `import:${tournament}:${normalized}`, name: normalized, tournament, source: "import" as const };
      db.insert(models).values(row).onConflictDoNothing().run();
      return row;
    },

    count(): number {
      return db.select({ n: sql<number>`count(*)` }).from(models).get()?.n ?? 0;
    },
  };
}

/**
 * `models.tournament = t` for a join driven by registrations. Every model of a tournament matches,
 * yet without table statistics SQLite prefers to start from models_tournament_name_unique (it
 * also serves ORDER BY name) and probe registrations once per model: one user's ten rows then cost
 * a walk over every model in the store (0.47 ms with 2,000 models; 47 ms for a digest batch of 100
 * users). The unary + keeps that index out of the plan, so the user's registrations lead.
 */
const inTournament = (tournament: number) => sql`+${models.tournament} = ${tournament}`;

export function createRegistrationRepository(db: Db, tournament: number) {
  const cols = {
    id: models.id,
    name: models.name,
    tournament: models.tournament,
    source: models.source,
    declaredWeight: registrations.declaredWeight,
    registeredAt: registrations.createdAt,
  };
  // Prepared once: every command lists its caller's models, and building the query each time cost more than running it.
  const forUser = db
    .select(cols)
    .from(registrations)
    .innerJoin(models, eq(models.id, registrations.modelId))
    .where(and(eq(registrations.discordUserId, sql.placeholder("user")), inTournament(tournament)))
    .orderBy(asc(models.name))
    .prepare();
  return {
    /** @returns false when the user already had it. */
    add(discordUserId: string, modelId: string): boolean {
      const res = db.insert(registrations).values({ discordUserId, modelId }).onConflictDoNothing().run();
      return res.changes > 0;
    },

    /** @returns false when the user did not have it. */
    remove(discordUserId: string, modelId: string): boolean {
      const res = db
        .delete(registrations)
        .where(and(eq(registrations.discordUserId, discordUserId), eq(registrations.modelId, modelId)))
        .run();
      return res.changes > 0;
    },

    listForUser(discordUserId: string): RegistrationRow[] {
      return forUser.all({ user: discordUserId });
    },

    findForUserByName(discordUserId: string, name: string): RegistrationRow | undefined {
      return db
        .select(cols)
        .from(registrations)
        .innerJoin(models, eq(models.id, registrations.modelId))
        .where(
          and(
            eq(registrations.discordUserId, discordUserId),
            eq(models.tournament, tournament),
            eq(models.name, normalizeModelName(name)),
          ),
        )
        .get();
    },

    /** Several declared weights at once: all or none. */
    setDeclaredWeights(discordUserId: string, entries: ReadonlyArray<{ modelId: string; weight: number | null }>): void {
      db.transaction((tx) => {
        for (const e of entries) {
          tx.update(registrations)
            .set({ declaredWeight: e.weight })
            .where(and(eq(registrations.discordUserId, discordUserId), eq(registrations.modelId, e.modelId)))
            .run();
        }
      });
    },

    /** Several registrations at once: all or none. @returns the model ids that were new for the user. */
    addMany(discordUserId: string, modelIds: readonly string[]): string[] {
      return db.transaction((tx) =>
        modelIds.filter((modelId) => tx.insert(registrations).values({ discordUserId, modelId }).onConflictDoNothing().run().changes > 0),
      );
    },

    /** Several at once: all or none. */
    removeMany(discordUserId: string, modelIds: readonly string[]): void {
      if (modelIds.length === 0) return;
      db.delete(registrations)
        .where(and(eq(registrations.discordUserId, discordUserId), inArray(registrations.modelId, [...modelIds])))
        .run();
    },

    setDeclaredWeight(discordUserId: string, modelId: string, weight: number | null): boolean {
      const res = db
        .update(registrations)
        .set({ declaredWeight: weight })
        .where(and(eq(registrations.discordUserId, discordUserId), eq(registrations.modelId, modelId)))
        .run();
      return res.changes > 0;
    },

    /** Every model anyone registered (what sync keeps up to date). */
    registeredModels(): ModelRow[] {
      return db
        .selectDistinct({ id: models.id, name: models.name, tournament: models.tournament, source: models.source })
        .from(registrations)
        .innerJoin(models, eq(models.id, registrations.modelId))
        .where(eq(models.tournament, tournament))
        .orderBy(asc(models.name))
        .all();
    },

    /** Registrations of the given users (server views). */
    listForUsers(discordUserIds: readonly string[]): Array<RegistrationRow & { discordUserId: string }> {
      if (discordUserIds.length === 0) return [];
      return db
        .select({ ...cols, discordUserId: registrations.discordUserId })
        .from(registrations)
        .innerJoin(models, eq(models.id, registrations.modelId))
        .where(and(inArray(registrations.discordUserId, [...discordUserIds]), inTournament(tournament)))
        .orderBy(asc(registrations.discordUserId), asc(models.name))
        .all();
    },
  };
}

export function createUserSettingsRepository(db: Db) {
  const settingsOf = db.select().from(userSettings).where(eq(userSettings.discordUserId, sql.placeholder("user"))).prepare();
  return {
    get(discordUserId: string): { weightSource: WeightPolicy | null } {
      const row = settingsOf.get({ user: discordUserId });
      return { weightSource: row?.weightSource ?? null };
    },
    setWeightSource(discordUserId: string, weightSource: WeightPolicy): void {
      db.insert(userSettings)
        .values({ discordUserId, weightSource })
        .onConflictDoUpdate({ target: userSettings.discordUserId, set: { weightSource, updatedAt: new Date() } })
        .run();
    },
    /** @returns whether anything changed. */
    setServerOptIn(guildId: string, discordUserId: string, optIn: boolean): boolean {
      const res = optIn
        ? db.insert(serverOptIns).values({ guildId, discordUserId }).onConflictDoNothing().run()
        : db
            .delete(serverOptIns)
            .where(and(eq(serverOptIns.guildId, guildId), eq(serverOptIns.discordUserId, discordUserId)))
            .run();
      return res.changes > 0;
    },
    optedIn(guildId: string): string[] {
      return db
        .select({ id: serverOptIns.discordUserId })
        .from(serverOptIns)
        .where(eq(serverOptIns.guildId, guildId))
        .orderBy(asc(serverOptIns.discordUserId))
        .all()
        .map((r) => r.id);
    },
  };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type ModelRepository = ReturnType<typeof createModelRepository>;
export type RegistrationRepository = ReturnType<typeof createRegistrationRepository>;
export type UserSettingsRepository = ReturnType<typeof createUserSettingsRepository>;
