/**
 * Optional sink: a Discourse topic per server digest (DISCOURSE_URL, DISCOURSE_API_KEY,
 * DISCOURSE_CATEGORY; off unless URL and key are set). Idempotent through Discourse's topic
 * `external_id`: the topic is looked up by it before one is created, so a retry after a lost
 * answer finds the first topic instead of opening a second.
 */
import { request } from "undici";

export interface DiscourseConfig {
  /** Forum base URL, e.g. https://forum.numer.ai */
  readonly url: string;
  readonly apiKey: string;
  /** The user the API key acts as (Discourse's Api-Username header). Default "system". */
  readonly username: string;
  /** Category id; null posts to Discourse's default category. */
  readonly category: number | null;
  readonly timeoutMs: number;
}

export interface DiscoursePost {
  /** Letters, digits, ".", "-", "_" (Discourse's rule), at most 50 characters. */
  readonly externalId: string;
  readonly title: string;
  readonly raw: string;
}

export interface DiscourseSink {
  publish(post: DiscoursePost): Promise<{ topicId: number; created: boolean }>;
}

export class DiscourseError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "DiscourseError";
  }
}

/** The sink when URL and key are both set; null (off) otherwise. */
export function discourseConfigFrom(keys: {
  discourseUrl?: string | undefined;
  discourseApiKey?: string | undefined;
  discourseUsername?: string | undefined;
  discourseCategory?: number | string | undefined;
}): DiscourseConfig | null {
  if (!keys.discourseUrl || !keys.discourseApiKey) return null;
  const category = keys.discourseCategory === undefined || keys.discourseCategory === "" ? null : Number(keys.discourseCategory);
  return {
    url: keys.discourseUrl.replace(/\/+$/, ""),
    apiKey: keys.discourseApiKey,
    username: keys.discourseUsername || "system",
    category: category !== null && Number.isInteger(category) ? category : null,
    timeoutMs: 15_000,
  };
}

export function createDiscourseSink(config: DiscourseConfig): DiscourseSink {
  const headers = { "api-key": config.apiKey, "api-username": config.username, accept: "application/json" };
  const timeouts = { headersTimeout: config.timeoutMs, bodyTimeout: config.timeoutMs };

  async function findTopic(externalId: string): Promise<number | null> {
    const res = await request(`${config.url}/t/external_id/${encodeURIComponent(externalId)}.json`, { method: "GET", headers, ...timeouts });
    if (res.statusCode === 404) {
      await res.body.dump();
      return null;
    }
    if (res.statusCode >= 300 && res.statusCode < 400) {
      // Discourse redirects to /t/<slug>/<id>.json
      await res.body.dump();
      const location = String(res.headers.location ?? "");
      const id = Number(/\/t\/[^/]+\/(\d+)/.exec(location)?.[1]);
      if (Number.isInteger(id)) return id;
      throw new DiscourseError(`unexpected redirect looking up topic ${externalId}`, res.statusCode);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new DiscourseError(`Discourse answered ${res.statusCode} looking up topic ${externalId}`, res.statusCode);
    }
    const body = (await res.body.json()) as { id?: unknown };
    if (typeof body.id !== "number") throw new DiscourseError("Discourse's topic has no id", 200);
    return body.id;
  }

  return {
    async publish(post) {
      if (!/^[A-Za-z0-9._-]{1,50}$/.test(post.externalId)) throw new DiscourseError(`invalid external id ${post.externalId}`, null);
      const existing = await findTopic(post.externalId);
      if (existing !== null) return { topicId: existing, created: false };
      const res = await request(`${config.url}/posts.json`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({
          title: post.title,
          raw: post.raw,
          external_id: post.externalId,
          ...(config.category !== null ? { category: config.category } : {}),
        }),
        ...timeouts,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new DiscourseError(`Discourse refused the topic (${res.statusCode}): ${text.slice(0, 200)}`, res.statusCode);
      const body = JSON.parse(text) as { topic_id?: unknown };
      if (typeof body.topic_id !== "number") throw new DiscourseError("Discourse's answer has no topic_id", res.statusCode);
      return { topicId: body.topic_id, created: true };
    },
  };
}
