/**
 * Who is talking, proven: a chat identity (as the channel verified it) → the person's Moodle account
 * on each platform. Never a guess: the e-mail must match exactly (case aside), a username needs the
 * address to be in one of the university's domains, two live accounts for one person are ambiguous,
 * and suspended, no-login or deleted accounts do not act.
 */
import type { Config } from '../config';
import type { MoodleApi, MoodleUser } from '../moodle/api';
import type { Identity } from './context';

export type BotRole = 'support' | 'admin';

/** Why a person has no usable account on a platform. */
export type AccountProblem = 'noIdentity' | 'foreignDomain' | 'none' | 'ambiguous' | 'suspended' | 'unreachable';

export type AccountResolution = { ok: true; user: MoodleUser } | { ok: false; problem: AccountProblem };

/** The chat identity's e-mail or UPN, lower case: the key of the audit trail and of the role lists. */
export const identityKey = (identity: Identity): string => (identity.email ?? identity.upn ?? '').trim().toLowerCase();

/** A live account may act; Moodle's own "cannot log in" states may not. */
export const isLive = (u: MoodleUser): boolean => !u.suspended && u.auth !== 'nologin';

/** What to look up in Moodle for this identity, or why nothing may be looked up. */
export function lookupFor(identity: Identity, config: Config): { field: 'email' | 'username'; value: string } | { problem: AccountProblem } {
  const key = identityKey(identity);
  if (!/^[^@\s]+@[^@\s]+$/.test(key)) return { problem: 'noIdentity' };
  if (config.chatIdentityMatch === 'email') return { field: 'email', value: (identity.email ?? key).trim().toLowerCase() };
  // username=<UPN before @>: only for the university's own domains, or anyone could claim "mdurand@gmail.com".
  const upn = (identity.upn ?? identity.email ?? key).trim().toLowerCase();
  const [local, domain] = upn.split('@') as [string, string];
  if (!config.chatIdentityDomains.includes(domain)) return { problem: 'foreignDomain' };
  return { field: 'username', value: local };
}

/** The one live account matching exactly, or the reason there is none. */
export function pickAccount(candidates: MoodleUser[], field: 'email' | 'username', value: string): AccountResolution {
  const exact = candidates.filter((u) => (field === 'email' ? u.email : u.username)?.trim().toLowerCase() === value);
  const live = exact.filter(isLive);
  if (live.length === 1) return { ok: true, user: live[0]! };
  if (live.length > 1) return { ok: false, problem: 'ambiguous' };
  return { ok: false, problem: exact.length > 0 ? 'suspended' : 'none' };
}

export async function resolveAccount(api: MoodleApi, identity: Identity, config: Config): Promise<AccountResolution> {
  const lookup = lookupFor(identity, config);
  if ('problem' in lookup) return { ok: false, problem: lookup.problem };
  const users = await api.getUsersByField(lookup.field, [lookup.value]);
  return pickAccount(users, lookup.field, lookup.value);
}

/** Support and admin come from configuration, but only for a person Moodle knows (checked by the caller). */
export function configuredRoles(identity: Identity, config: Config): Set<BotRole> {
  const key = identityKey(identity);
  const roles = new Set<BotRole>();
  if (key === '') return roles;
  if (config.adminUsers.includes(key)) roles.add('admin').add('support');
  if (config.supportUsers.includes(key)) roles.add('support');
  return roles;
}
