/**
 * Reads the actual state of one platform: managed cohorts with their members, and the Moodle
 * accounts of the students concerned. Reads are batched (members of many cohorts per call).
 */
import { CohortNaming, isManaged } from '../domain/cohorts';
import type { MoodleApi, MoodleUser } from '../moodle/api';
import type { ActualState } from './types';

export type MoodleUserField = 'username' | 'idnumber' | 'email';

/** The student key a Moodle account answers to, normalised like directory keys. */
export function keyOfUser(u: MoodleUser, field: MoodleUserField): string | undefined {
  const v = field === 'username' ? u.username : field === 'email' ? u.email : u.idnumber;
  if (v === undefined || v === '') return undefined;
  return field === 'idnumber' ? v : v.toLowerCase();
}

export interface ReadActualOptions {
  naming: CohortNaming;
  field: MoodleUserField;
  /** Student keys whose accounts are needed (the desired members). */
  keys: string[];
  /** A scoped run by student: members are only interesting if they are that student. */
  onlyKey?: string;
}

export async function readActualState(api: MoodleApi, opts: ReadActualOptions): Promise<ActualState> {
  const all = await api.getCohorts();
  const managed = all.filter((c) => isManaged(opts.naming, c.idnumber));
  const members = managed.length > 0 ? await api.getCohortMembers(managed.map((c) => c.id)) : new Map<number, number[]>();
  const cohorts = managed.map((c) => ({ id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, members: members.get(c.id) ?? [] }));

  const keys = [...new Set(opts.onlyKey !== undefined ? [opts.onlyKey] : opts.keys)];
  const accounts = new Map<string, { id: number; suspended: boolean }>();
  const keyOf = new Map<number, string>();
  if (keys.length > 0) {
    for (const u of await api.getUsersByField(opts.field, keys)) {
      const key = keyOfUser(u, opts.field);
      if (key === undefined) continue;
      accounts.set(key, { id: u.id, suspended: u.suspended ?? false });
      keyOf.set(u.id, key);
    }
  }
  if (opts.onlyKey === undefined) {
    // Members who are not desired students: find their key to say who is removed and why.
    const unknown = [...new Set(cohorts.flatMap((c) => c.members))].filter((id) => !keyOf.has(id));
    if (unknown.length > 0) {
      for (const u of await api.getUsersByField('id', unknown)) {
        const key = keyOfUser(u, opts.field);
        if (key !== undefined) keyOf.set(u.id, key);
      }
    }
  }
  return { platform: api.platform, cohorts, accounts, keyOf };
}
