/**
 * What does not change from one message to the next is not waited for again: the person's account
 * on each platform (a command starts from what was last seen, while Moodle confirms it in parallel)
 * and their courses (a short TTL; both dropped at once when Moodle refuses them something or they ask
 * `qui suis-je`), the site's functions (which cohort-sync plugin it
 * runs), course look-ups by id, short name, ID number or name, and course categories. Identical look-ups made at the same
 * time share one call. Rights are never cached: every action and every course's cohort syncs are asked
 * of Moodle as the person, each time.
 */
import { Course, MoodleApi } from '../moodle/api';
import type { CohortSyncs } from '../moodle/cohort-syncs';
import type { AccountResolution } from './identity';

/** The person's account and courses: long enough for a conversation's next messages, short enough that a change in Moodle shows within a minute or two. */
export const PERSON_TTL_MS = 120_000;
/**
 * A read-only command of someone without a staff role may take their account as Moodle confirmed it
 * this recently, without asking again: whatever it reads about a course is asked of Moodle as them
 * (onbehalfof, which refuses a suspended account), and a refusal drops the cache and asks afresh.
 * Everything else — writes, confirmations, support and admin commands, which act with the service
 * account's rights — waits for a fresh confirmation, every time.
 */
export const ACCOUNT_TRUST_MS = 30_000;
/** Course look-ups (public course facts, read with the service account as before). */
export const COURSE_TTL_MS = 120_000;
/** The site's web-service functions and version: change with an upgrade or a plugin install. */
export const SITE_TTL_MS = 600_000;
/** Entries kept at most per kind: the cache stays small whatever comes in. */
const MAX_ENTRIES = 5000;

/** A map of promises with an expiry, oldest dropped first past MAX_ENTRIES. A failed load is not kept. */
class TtlMap<T> {
  private readonly entries = new Map<string, { until: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T>, now = this.clock()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = load();
    this.set(key, value, now);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  set(key: string, value: Promise<T>, now = this.clock()): void {
    this.entries.delete(key);
    this.entries.set(key, { until: now + this.ttlMs, value });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The value kept for `key`, if it has not expired; nothing is loaded. */
  peek(key: string, now = this.clock()): Promise<T> | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > now ? hit.value : undefined;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** How long a person's last search is kept for a typed "voir plus" / "see more". */
export const SEARCH_TTL_MS = 30 * 60_000;

/** The next page of a person's last search: what "voir plus" typed instead of clicked stands for. */
export interface NextSearchPage {
  query: string;
  course?: string;
  page: number;
  platform?: string;
}

export class ChatCache {
  private readonly accounts: TtlMap<AccountResolution>;
  /** Account look-ups in flight, shared by the person's commands that arrive meanwhile. */
  private readonly asking = new Map<string, Promise<AccountResolution>>();
  /** When Moodle last confirmed each kept account (epoch ms): what ACCOUNT_TRUST_MS counts from. */
  private readonly confirmedAt = new Map<string, number>();
  private readonly myCourses: TtlMap<Course[]>;
  private readonly searches: TtlMap<NextSearchPage>;
  readonly courses: TtlMap<unknown>;
  readonly sites: TtlMap<unknown>;
  /** Per person key, the account and course entries kept for them: what `forget` drops. */
  private readonly owners = new Map<string, Set<string>>();

  /** `now`: the clock every expiry is counted by (tests move it by hand). */
  constructor(private readonly now: () => number = Date.now) {
    this.accounts = new TtlMap(PERSON_TTL_MS, now);
    this.myCourses = new TtlMap(PERSON_TTL_MS, now);
    this.searches = new TtlMap(SEARCH_TTL_MS, now);
    this.courses = new TtlMap(COURSE_TTL_MS, now);
    this.sites = new TtlMap(SITE_TTL_MS, now);
  }

  /**
   * The person's account on a platform, by what is looked up for them (`lookup`: field and value).
   * `known` is what the bot last saw (within PERSON_TTL_MS), so the command can start at once; `fresh`
   * is Moodle's answer now — always asked, in parallel with the command, one call shared by the
   * person's commands in progress. Authority fails closed: the caller answers (and writes) only once
   * `fresh` agrees with `known` (Actor.confirmed), so a suspended or doubled account stops at once.
   * With `trustMs` (a read of someone without a staff role, see ACCOUNT_TRUST_MS), an account Moodle
   * confirmed less than that long ago is taken as it is: `fresh` is `known`, and nothing is asked.
   */
  account(
    platform: string,
    personKey: string,
    lookup: string,
    load: () => Promise<AccountResolution>,
    trustMs = 0,
  ): { known: Promise<AccountResolution>; fresh: Promise<AccountResolution> } {
    const key = `${platform}\u0000${lookup}`;
    this.own(personKey, `a\u0000${key}`);
    const kept = this.accounts.peek(key);
    // Confirmed by Moodle moments ago, and the caller may take that: no call at all.
    if (kept && trustMs > 0 && this.now() - (this.confirmedAt.get(key) ?? -Infinity) < trustMs) return { known: kept, fresh: kept };
    let fresh = this.asking.get(key);
    if (!fresh) {
      fresh = load().then((r) => {
        // "Unreachable" is never kept: the next message asks again.
        if (!r.ok && r.problem === 'unreachable') this.dropAccount(key);
        else {
          this.accounts.set(key, Promise.resolve(r));
          this.confirmedAt.delete(key);
          // Only a usable account is trusted: a problem (suspended, two accounts) is asked again next time,
          // so the person who had it fixed is answered at once.
          if (r.ok) {
            this.confirmedAt.set(key, this.now());
            if (this.confirmedAt.size > MAX_ENTRIES) this.confirmedAt.delete(this.confirmedAt.keys().next().value!);
          }
        }
        if (r.ok) this.own(personKey, `c\u0000${platform}\u0000${r.user.id}`);
        return r;
      });
      const asked = fresh;
      this.asking.set(key, asked);
      void asked.finally(() => this.asking.get(key) === asked && this.asking.delete(key)).catch(() => undefined);
    }
    return { known: kept ?? fresh, fresh };
  }

  private dropAccount(key: string): void {
    this.accounts.delete(key);
    this.confirmedAt.delete(key);
  }

  private own(personKey: string, entry: string): void {
    const mine = this.owners.get(personKey) ?? new Set();
    mine.add(entry);
    this.owners.delete(personKey);
    this.owners.set(personKey, mine);
    if (this.owners.size > MAX_ENTRIES) this.owners.delete(this.owners.keys().next().value!);
  }

  /** The courses a Moodle user is enrolled in, on a platform. */
  usersCourses(platform: string, userId: number, load: () => Promise<Course[]>): Promise<Course[]> {
    return this.myCourses.get(`${platform}\u0000${userId}`, load);
  }

  /** Keeps (or, without `next`, drops) the next page of this person's last search. */
  rememberSearch(personKey: string, next: NextSearchPage | undefined): void {
    if (!personKey) return;
    if (next) this.searches.set(personKey, Promise.resolve(next));
    else this.searches.delete(personKey);
  }

  /** The next page of this person's last search, if it had one and is recent. */
  nextSearchPage(personKey: string): Promise<NextSearchPage> | undefined {
    return personKey ? this.searches.peek(personKey) : undefined;
  }

  /** Drops everything kept about this person: their accounts and their courses, on every platform. */
  forget(personKey: string): void {
    for (const owned of this.owners.get(personKey) ?? []) {
      if (owned.startsWith('a\u0000')) this.dropAccount(owned.slice(2));
      else this.myCourses.delete(owned.slice(2));
    }
    this.owners.delete(personKey);
  }
}

/**
 * A platform's API as the bot uses it: the same client (the same slots, the same scheduler), with the
 * steady reads answered from the cache. Everything else goes to Moodle as before.
 */
export class CachedMoodleApi extends MoodleApi {
  constructor(
    private readonly inner: MoodleApi,
    private readonly cache: ChatCache,
  ) {
    super(inner.client);
  }

  override functionNames(): Promise<Set<string>> {
    return this.cache.sites.get(`${this.platform}\u0000functions`, () => this.inner.functionNames()) as Promise<Set<string>>;
  }

  override getCoursesByField(field?: Parameters<MoodleApi['getCoursesByField']>[0], value?: string | number): Promise<Course[]> {
    if (field === undefined || field === 'category' || field === 'ids') return this.inner.getCoursesByField(field, value);
    return this.cache.courses.get(`${this.platform}\u0000${field}\u0000${String(value ?? '')}`, () => this.inner.getCoursesByField(field, value)) as Promise<Course[]>;
  }

  override searchCourses(text: string, page = 0, perPage = 20): Promise<{ total: number; courses: Course[] }> {
    return this.cache.courses.get(`${this.platform}\u0000search\u0000${text}\u0000${page}\u0000${perPage}`, () => this.inner.searchCourses(text, page, perPage)) as Promise<{ total: number; courses: Course[] }>;
  }

  override getCategories(criteria: Array<{ key: string; value: string }> = [], addSubcategories = true): ReturnType<MoodleApi['getCategories']> {
    return this.cache.courses.get(`${this.platform}\u0000categories\u0000${JSON.stringify(criteria)}\u0000${addSubcategories}`, () => this.inner.getCategories(criteria, addSubcategories)) as ReturnType<MoodleApi['getCategories']>;
  }

  override getUsersCourses(userId: number): Promise<Course[]> {
    return this.cache.usersCourses(this.platform, userId, () => this.inner.getUsersCourses(userId));
  }
}

/** The bot's view of the platforms: one cached API per platform over the given ones. */
export function cachedApis(apis: Map<string, MoodleApi>, cache: ChatCache): Map<string, MoodleApi> {
  return new Map([...apis].map(([name, api]) => [name, api instanceof CachedMoodleApi ? api : new CachedMoodleApi(api, cache)]));
}

/**
 * Within one command, a course's cohort syncs and the cohorts available to it (alone or among many
 * courses asked at once), as the person sees them, are asked once: checking that they may see (or
 * change) them and showing them is one call, not two. Any change the command makes drops what was
 * read. Made per command (HandlerContext), never shared.
 */
export function oneListPerCommand(syncs: CohortSyncs): CohortSyncs {
  const read = new Map<string, Promise<unknown>>();
  const once = <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => {
      const key = `${name}:${JSON.stringify(a)}`;
      let r = read.get(key) as Promise<R> | undefined;
      if (!r) read.set(key, (r = f(...a)));
      r.catch(() => read.get(key) === r && read.delete(key));
      return r;
    };
  // Patched on the instance, so the implementation's own checkRights goes through them too.
  syncs.list = once('list', syncs.list.bind(syncs));
  syncs.availableCohorts = once('available', syncs.availableCohorts.bind(syncs));
  // Many courses at once: each course answered is also what `availableCohorts` answers for it in this command.
  const many = once('many', syncs.availableCohortsMany.bind(syncs));
  syncs.availableCohortsMany = (courseIds, query, limit, onBehalfOf) => {
    const r = many(courseIds, query, limit, onBehalfOf);
    const asked = `many:${JSON.stringify([courseIds, query, limit, onBehalfOf])}`;
    void r.then(
      (courses) => {
        // Not after a change this command made meanwhile (which dropped what was read).
        if (read.get(asked) !== r) return;
        for (const c of courses) {
          const key = `available:${JSON.stringify([c.courseId, query, limit, onBehalfOf])}`;
          if (!c.refused && !read.has(key)) read.set(key, Promise.resolve({ cohorts: c.cohorts, truncated: c.truncated }));
        }
      },
      () => undefined,
    );
    return r;
  };
  for (const write of ['add', 'update', 'remove'] as const) {
    const f = (syncs[write] as (...a: unknown[]) => Promise<unknown>).bind(syncs);
    (syncs as unknown as Record<string, unknown>)[write] = (...a: unknown[]) => (read.clear(), f(...a));
  }
  return syncs;
}
