/**
 * Reads the actual state of one platform in two steps:
 * 1. the managed cohorts, their members and each member's key — what Moodle holds, needing nothing
 *    from the directory, so the engine reads it while the directory is being read;
 * 2. the accounts of desired students who are not members yet (in a nightly no-op: only the few who
 *    have no account), once the directory says who they are.
 * With local_cohortbot's sync reads each step is one SQL query per call on the site (ids, keys and
 * suspension only); without them, core functions give the same answer at the price of full profiles.
 */
import { CohortNaming, isManaged } from '../domain/cohorts';
import type { MoodleApi, MoodleUser, UserKey } from '../moodle/api';
import { PLUGIN_WRITES } from './member-writer';
import type { ActualCohort, ActualState } from './types';

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
}

export interface ReadCohortOptions {
  naming: CohortNaming;
  field: MoodleUserField;
  /**
   * Whether members' keys are needed: a one-student run only cares about that student, so the core
   * path skips the (costly) lookup of every member there.
   */
  memberKeys: boolean;
}

export async function readCohortState(api: MoodleApi, opts: ReadCohortOptions): Promise<CohortState> {
  // The managed cohorts are asked for while site info says whether the plugin is there: one round trip
  // less on the sites cohortbot is meant for; on the others the answer (an access error) is dropped.
  const early = api.getManagedCohorts(opts.naming.prefix).then(
    (cohorts) => ({ cohorts }),
    (error: unknown) => ({ error }),
  );
  const functions = await api.functionNames();
  const state: CohortState = { platform: api.platform, cohorts: [], accounts: new Map(), keyOf: new Map(), via: SYNC_READS.every((f) => functions.has(f)) ? 'plugin' : 'core', writes: writesVia(functions) };
  if (state.via === 'plugin') {
    const answer = await early;
    if ('error' in answer) throw answer.error;
    const managed = answer.cohorts.filter((c) => isManaged(opts.naming, c.idnumber));
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
    if (ids.size > 0) for (const u of await api.getUsersByField('id', [...ids])) remember(state, userKeyOf(u, opts.field), opts.field);
  }
  return state;
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
}

/** Step 2: the accounts of the desired students not met among the members; gives the plan's actual state. */
export async function resolveAccounts(api: MoodleApi, state: CohortState, opts: ResolveOptions): Promise<ActualState> {
  const missing: string[] = [];
  if (opts.onlyKey !== undefined) {
    if (!state.accounts.has(opts.onlyKey)) missing.push(opts.onlyKey);
  } else for (const k of opts.keys) if (!state.accounts.has(k)) missing.push(k);
  if (missing.length > 0) {
    const found = state.via === 'plugin' ? await api.getUsersByKeys(opts.field, missing) : (await api.getUsersByField(opts.field, missing)).map((u) => userKeyOf(u, opts.field));
    for (const u of found) remember(state, u, opts.field);
  }
  return { platform: state.platform, cohorts: state.cohorts, accounts: state.accounts, keyOf: state.keyOf };
}
