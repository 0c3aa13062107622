/**
 * Reads the actual state of one platform in two steps:
 * 1. what Moodle holds, needing nothing from the directory, so the engine reads it while the directory
 *    is being read: with local_cohortbot ≥ 1.3.0 the managed cohorts and each one's fingerprint
 *    (domain/fingerprint.ts); with core functions only, the cohorts, their member ids, and each
 *    member's key from what earlier runs learnt (the store's moodle_keys), asking Moodle only for ids
 *    never seen or due for their periodic check (SYNC_FULL_CHECK_DAYS);
 * 2. once the directory says who is wanted: the members of the cohorts whose fingerprint differs from
 *    the directory's (in a nightly no-op, none), and the accounts of desired students not met among the
 *    members (in a no-op: only the few who have no account).
 * The cost of a no-op so follows what changed, not the size of the university. With the plugin each
 * read is one SQL query on the site (ids, keys and suspension only); core's user reads build full
 * profiles, which is why their answers are kept.
 */
import { CohortNaming, cohortIdnumber, etapeOfIdnumber, isManaged } from '../domain/cohorts';
import { FingerprintSum, keyHash } from '../domain/fingerprint';
import type { Roster } from '../directory/roster';
import type { ManagedCohort, MoodleApi, MoodleUser, UserKey } from '../moodle/api';
import { PLUGIN_WRITES } from './member-writer';
import type { ActualCohort, ActualState, DesiredState, Plan } from './types';

export type MoodleUserField = 'username' | 'idnumber' | 'email';

/** The plugin functions of the fast path: all three, or the core path. */
export const SYNC_READS = ['local_cohortbot_get_managed_cohorts', 'local_cohortbot_get_cohort_members', 'local_cohortbot_get_users_by_keys'];

/** The bulk membership functions when the token may call both, else core's. */
export const writesVia = (functions: Set<string>): 'plugin' | 'core' => (PLUGIN_WRITES.every((f) => functions.has(f)) ? 'plugin' : 'core');

/** Members read per call at most: bounds the site's memory and the reply's size. */
export const MEMBERS_PER_CALL = 20_000;

/** The student key a Moodle account answers to, normalised like directory keys. */
export function keyOfUser(u: Pick<MoodleUser, 'username' | 'email' | 'idnumber'>, field: MoodleUserField): string | undefined {
  const v = field === 'username' ? u.username : field === 'email' ? u.email : u.idnumber;
  return normaliseKey(v, field);
}

const normaliseKey = (v: string | undefined, field: MoodleUserField): string | undefined => (v === undefined || v === '' ? undefined : field === 'idnumber' ? v : v.toLowerCase());

/** Step 1's result: cohorts with members, and what is known of the accounts met so far. */
export interface CohortState {
  platform: string;
  cohorts: ActualCohort[];
  accounts: Map<string, { id: number; suspended: boolean }>;
  keyOf: Map<number, string>;
  /** Which functions answered: the plugin's sync reads, or core's. */
  via: 'plugin' | 'core';
  /** Which functions will take membership changes: the plugin's bulk writes, or core's. */
  writes: 'plugin' | 'core';
  /** Managed cohorts listed with a fingerprint whose members are not read yet (step 2 decides). */
  unread: Map<number, ManagedCohort>;
  /** Ids whose key comes from the store, not checked against Moodle in this run (core path). */
  cached: Set<number>;
  field: MoodleUserField;
  naming: CohortNaming;
  knownKeys?: KnownKeys;
}

/**
 * What earlier runs learnt of Moodle's accounts on one platform (the store's moodle_keys): user id →
 * the matched field's value, and when Moodle last confirmed it. Serves the core path only: the
 * plugin's reads return keys at no cost.
 */
export interface KnownKeys {
  load(): Promise<Map<number, { key: string; checkedAt: number }>>;
  save(entries: Array<{ userId: number; key: string }>): Promise<void>;
  drop(userIds: number[]): Promise<void>;
  /** An entry older than this (ms) is checked again (SYNC_FULL_CHECK_DAYS). */
  maxAgeMs: number;
  now(): number;
}

export interface ReadCohortOptions {
  naming: CohortNaming;
  field: MoodleUserField;
  /**
   * Whether members' keys are needed: a one-student run only cares about that student, so the core
   * path skips the (costly) lookup of every member there.
   */
  memberKeys: boolean;
  /**
   * Whether step 2 will compare fingerprints with the whole directory's: not in a one-student run,
   * whose directory is that student alone.
   */
  fingerprints?: boolean;
  /** The keys learnt by earlier runs (core path); without it every member's key is asked for. */
  knownKeys?: KnownKeys;
}

export async function readCohortState(api: MoodleApi, opts: ReadCohortOptions): Promise<CohortState> {
  const fingerprints = opts.fingerprints ?? false;
  // The managed cohorts are asked for while site info says whether the plugin is there: one round trip
  // less on the sites cohortbot is meant for; on the others the answer (an access error) is dropped.
  const early = api.getManagedCohorts(opts.naming.prefix, fingerprints ? opts.field : undefined).then(
    (cohorts) => ({ cohorts }),
    (error: unknown) => ({ error }),
  );
  const functions = await api.functionNames();
  const state: CohortState = {
    platform: api.platform,
    cohorts: [],
    accounts: new Map(),
    keyOf: new Map(),
    via: SYNC_READS.every((f) => functions.has(f)) ? 'plugin' : 'core',
    writes: writesVia(functions),
    unread: new Map(),
    cached: new Set(),
    field: opts.field,
    naming: opts.naming,
    knownKeys: opts.knownKeys,
  };
  if (state.via === 'plugin') {
    const answer = await early;
    if ('error' in answer) throw answer.error;
    const managed = answer.cohorts.filter((c) => isManaged(opts.naming, c.idnumber));
    // A plugin older than 1.3.0 gives no fingerprints: every member is read, as before.
    if (fingerprints && managed.every((c) => c.fingerprint !== undefined)) {
      state.cohorts = withMembers(managed, new Map());
      for (const c of managed) state.unread.set(c.id, c);
      return state;
    }
    const { members, users } = managed.length > 0 ? await readMemberKeys(api, managed, opts.field) : { members: new Map<number, number[]>(), users: [] };
    state.cohorts = withMembers(managed, members);
    for (const u of users) remember(state, u, opts.field);
    return state;
  }
  const managed = (await api.getCohorts()).filter((c) => isManaged(opts.naming, c.idnumber));
  state.cohorts = withMembers(managed, managed.length > 0 ? await api.getCohortMembers(managed.map((c) => c.id)) : new Map());
  if (opts.memberKeys) {
    const ids = new Set<number>();
    for (const c of state.cohorts) for (const id of c.members) ids.add(id);
    if (ids.size > 0) await learnKeysOfIds(api, state, ids);
  }
  return state;
}

/**
 * The core path's member keys: from the store where an earlier run learnt them (and Moodle confirmed
 * them less than SYNC_FULL_CHECK_DAYS ago), from core_user_get_users_by_field for the others.
 */
async function learnKeysOfIds(api: MoodleApi, state: CohortState, ids: Set<number>): Promise<void> {
  const known = state.knownKeys;
  const cache = known ? await known.load() : new Map<number, { key: string; checkedAt: number }>();
  const now = known?.now() ?? 0;
  const ask: number[] = [];
  for (const id of ids) {
    const hit = cache.get(id);
    if (hit && known && now - hit.checkedAt < known.maxAgeMs) {
      remember(state, { id, key: hit.key, suspended: false }, state.field);
      state.cached.add(id);
    } else ask.push(id);
  }
  if (ask.length > 0) await askByIds(api, state, ask);
}

/** Keys of these ids from Moodle (full profiles: the costly call), remembered in the run and the store. */
async function askByIds(api: MoodleApi, state: CohortState, ids: number[]): Promise<void> {
  const found = (await api.getUsersByField('id', ids)).map((u) => userKeyOf(u, state.field));
  for (const u of found) {
    remember(state, u, state.field);
    state.cached.delete(u.id);
  }
  if (state.knownKeys) {
    await state.knownKeys.save(found.map((u) => ({ userId: u.id, key: u.key })));
    // Ids Moodle no longer lists (deleted accounts): what was learnt of them goes.
    const seen = new Set(found.map((u) => u.id));
    const gone = ids.filter((id) => !seen.has(id));
    if (gone.length > 0) await state.knownKeys.drop(gone);
  }
}

const withMembers = (cohorts: Array<{ id: number; idnumber: string; name: string; visible: boolean }>, members: Map<number, number[]>): ActualCohort[] =>
  cohorts.map((c) => ({ id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, members: members.get(c.id) ?? [] }));

/** A core user record as the plugin's reads give it: id, matched field, suspension. */
const userKeyOf = (u: MoodleUser, field: MoodleUserField): UserKey => ({ id: u.id, key: keyOfUser(u, field) ?? '', suspended: u.suspended ?? false });

/** Members in calls of at most MEMBERS_PER_CALL (the client splits further under max_input_vars and runs them concurrently). */
async function readMemberKeys(api: MoodleApi, cohorts: Array<{ id: number; membercount: number }>, field: MoodleUserField): Promise<{ members: Map<number, number[]>; users: UserKey[] }> {
  const groups: number[][] = [];
  let group: number[] = [];
  let size = 0;
  for (const c of cohorts) {
    if (group.length > 0 && size + c.membercount > MEMBERS_PER_CALL) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(c.id);
    size += c.membercount;
  }
  if (group.length > 0) groups.push(group);
  const parts = await Promise.all(groups.map((g) => api.getCohortMemberKeys(g, field)));
  const members = new Map<number, number[]>();
  const users: UserKey[] = [];
  for (const p of parts) {
    for (const [id, m] of p.members) members.set(id, m);
    for (const u of p.users) users.push(u);
  }
  return { members, users };
}

function remember(state: Pick<CohortState, 'accounts' | 'keyOf'>, u: UserKey, field: MoodleUserField): void {
  const key = normaliseKey(u.key, field);
  if (key === undefined) return;
  state.accounts.set(key, { id: u.id, suspended: u.suspended });
  state.keyOf.set(u.id, key);
}

export interface ResolveOptions {
  field: MoodleUserField;
  /** Student keys whose accounts are needed (the desired members). */
  keys: Iterable<string>;
  /** A scoped run by student: only that student's account matters. */
  onlyKey?: string;
  /**
   * The platform's desired state from the whole directory: cohorts listed with a fingerprint are
   * compared with it, and only those that differ are read member by member. Without it (a one-student
   * run) every unread cohort is read.
   */
  desired?: DesiredState;
  /**
   * Whether each (cohort, student) pair's last journal entry says "no account yet": a cohort whose
   * fingerprint differs only by such students, who still have none, is current too (else every cohort
   * holding a student who never logged in would be read every night).
   */
  lastPending?: () => Promise<Array<{ cohortIdnumber: string; studentKey: string }>>;
}

/** Step 2: the members of the cohorts that changed, the accounts of desired students not met among the members; gives the plan's actual state. */
export async function resolveAccounts(api: MoodleApi, state: CohortState, opts: ResolveOptions): Promise<ActualState> {
  let keys: Iterable<string> = opts.keys;
  if (state.unread.size > 0) {
    let changed = opts.desired ? compareFingerprints(state, opts.desired) : [...state.unread.values()];
    if (opts.desired && opts.lastPending && changed.length > 0) changed = await discountPending(api, state, opts.desired, changed, opts.lastPending);
    state.unread.clear();
    if (changed.length > 0) {
      const { members, users } = await readMemberKeys(api, changed, opts.field);
      for (const c of state.cohorts) {
        const m = members.get(c.id);
        if (m) c.members = m;
      }
      for (const u of users) remember(state, u, opts.field);
    }
    // Only the students of cohorts the plan will look into need an account.
    if (opts.desired) keys = keysOfChanged(opts.desired, state);
  }
  const missing: string[] = [];
  if (opts.onlyKey !== undefined) {
    if (!state.accounts.has(opts.onlyKey)) missing.push(opts.onlyKey);
  } else for (const k of keys) if (!state.accounts.has(k)) missing.push(k);
  if (missing.length > 0) {
    if (state.via === 'plugin') {
      for (const u of await api.getUsersByKeys(opts.field, missing)) remember(state, u, opts.field);
    } else {
      const found = (await api.getUsersByField(opts.field, missing)).map((u) => userKeyOf(u, opts.field));
      for (const u of found) {
        remember(state, u, opts.field);
        state.cached.delete(u.id);
      }
      await state.knownKeys?.save(found.map((u) => ({ userId: u.id, key: u.key })));
    }
  }
  return { platform: state.platform, cohorts: state.cohorts, accounts: state.accounts, keyOf: state.keyOf };
}

/**
 * Marks `current` the cohorts whose fingerprint is the directory's (same live members, same keys: the
 * plan has nothing to do there) and returns the others, to be read member by member. A cohort whose
 * étape the directory no longer has is compared with the empty set.
 */
function compareFingerprints(state: CohortState, desired: DesiredState): ManagedCohort[] {
  const hashes = rosterHashes(desired.roster);
  const changed: ManagedCohort[] = [];
  for (const c of state.cohorts) {
    const listed = state.unread.get(c.id);
    if (!listed) continue;
    const etape = etapeOfIdnumber(state.naming, c.idnumber);
    const want = etape === undefined ? undefined : desired.cohorts.get(etape);
    const sum = new FingerprintSum();
    if (want) for (const i of want.members.keys()) hashes(i, sum);
    if (sum.toString() === listed.fingerprint) {
      c.current = true;
      c.memberCount = sum.count;
    } else changed.push(listed);
  }
  return changed;
}

/**
 * The changed cohorts that differ only by students still without an account (journalled pending last
 * time, and not found now: one look-up of those keys) become current, carrying those students as pending.
 */
async function discountPending(api: MoodleApi, state: CohortState, desired: DesiredState, changed: ManagedCohort[], lastPending: NonNullable<ResolveOptions['lastPending']>): Promise<ManagedCohort[]> {
  const journalled = new Map<string, Set<string>>();
  for (const p of await lastPending()) {
    let set = journalled.get(p.cohortIdnumber);
    if (!set) journalled.set(p.cohortIdnumber, (set = new Set()));
    set.add(p.studentKey);
  }
  // Per changed cohort: its desired members journalled pending there.
  const flagged = new Map<string, number[]>();
  for (const c of changed) {
    const keys = journalled.get(c.idnumber);
    const etape = etapeOfIdnumber(state.naming, c.idnumber);
    const want = etape === undefined ? undefined : desired.cohorts.get(etape);
    if (!keys || !want) continue;
    const list = [...want.members.keys()].filter((i) => keys.has(desired.roster.key(i)));
    if (list.length > 0) flagged.set(c.idnumber, list);
  }
  if (flagged.size === 0) return changed;
  const candidates = [...new Set([...flagged.values()].flat().map((i) => desired.roster.key(i)))];
  for (const u of await api.getUsersByKeys(state.field, candidates)) remember(state, u, state.field);
  const without = new Map<string, Set<number>>();
  for (const [idnumber, list] of flagged) without.set(idnumber, new Set(list.filter((i) => !state.accounts.has(desired.roster.key(i)))));
  const hashes = rosterHashes(desired.roster);
  const byId = new Map(state.cohorts.map((c) => [c.id, c]));
  return changed.filter((listed) => {
    const pending = without.get(listed.idnumber);
    if (!pending || pending.size === 0) return true;
    const want = desired.cohorts.get(etapeOfIdnumber(state.naming, listed.idnumber)!)!;
    const sum = new FingerprintSum();
    for (const i of want.members.keys()) if (!pending.has(i)) hashes(i, sum);
    if (sum.toString() !== listed.fingerprint) return true;
    const c = byId.get(listed.id)!;
    c.current = true;
    c.memberCount = sum.count;
    c.pendingKeys = [...pending].map((i) => desired.roster.key(i));
    return false;
  });
}

/** Adds student i's key hash to a sum; each hash computed once per roster (a student of two étapes, or of two platforms, is hashed once). */
type AddHash = (i: number, sum: FingerprintSum) => void;
const hashCache = new WeakMap<Roster, AddHash>();
function rosterHashes(roster: Roster): AddHash {
  let add = hashCache.get(roster);
  if (!add) {
    const hi = new Uint32Array(roster.size);
    const lo = new Uint32Array(roster.size);
    const done = new Uint8Array(roster.size);
    add = (i, sum) => {
      if (!done[i]) {
        [hi[i], lo[i]] = keyHash(roster.key(i));
        done[i] = 1;
      }
      sum.addHalves(hi[i]!, lo[i]!);
    };
    hashCache.set(roster, add);
  }
  return add;
}

/** The keys of the students wanted (or kept) in the cohorts the plan looks into: those not found current. */
function* keysOfChanged(desired: DesiredState, state: CohortState): Generator<string> {
  const current = new Set(state.cohorts.filter((c) => c.current).map((c) => c.idnumber));
  const seen = new Set<number>();
  for (const c of desired.cohorts.values()) {
    if (current.has(cohortIdnumber(state.naming, c.etape))) continue;
    for (const ids of [c.members.keys(), c.keepOnly.values()]) {
      for (const i of ids) {
        if (seen.has(i)) continue;
        seen.add(i);
        yield desired.roster.key(i);
      }
    }
  }
}

/**
 * Core path, before an add: the accounts a plan would add that came from the store, checked against
 * Moodle (by key, then the ids found stale by id), so a renamed or deleted account never puts the
 * wrong person in a cohort. Returns whether anything learnt was wrong — the caller then plans again.
 */
export async function checkAddedAccounts(api: MoodleApi, state: CohortState, plan: Pick<Plan, 'adds'>): Promise<boolean> {
  const keys = [...new Set(plan.adds.filter((a) => a.key !== undefined && state.cached.has(a.userId)).map((a) => a.key!))];
  if (keys.length === 0) return false;
  const before = new Map(keys.map((k) => [k, state.accounts.get(k)?.id]));
  const found = (await api.getUsersByField(state.field, keys)).map((u) => userKeyOf(u, state.field));
  const now = new Map<string, UserKey>();
  for (const u of found) now.set(normaliseKey(u.key, state.field) ?? '', u);
  const stale: number[] = [];
  for (const k of keys) {
    const was = before.get(k);
    const is = now.get(k);
    if (is) {
      remember(state, is, state.field);
      state.cached.delete(is.id);
    } else state.accounts.delete(k);
    if (was !== undefined && was !== is?.id) {
      // The store said `was` answers to k; Moodle says otherwise: what is that account now?
      if (state.keyOf.get(was) === k) state.keyOf.delete(was);
      stale.push(was);
    }
  }
  await state.knownKeys?.save(found.map((u) => ({ userId: u.id, key: u.key })));
  if (stale.length > 0) await askByIds(api, state, stale);
  return stale.length > 0;
}
