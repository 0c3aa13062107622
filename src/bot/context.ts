/**
 * What a handler works with: the person (identity → roles → Moodle account per platform), the
 * services the scheduler uses too, the message catalogue, confirmations kept in the store, and the
 * audit trail. Teachers' rights on a course are never decided here: Moodle decides, on every action.
 */
import crypto from 'node:crypto';
import type { Config } from '../config';
import type { DirectorySource } from '../directory/types';
import type { Logger } from '../log';
import type { MoodleApi, MoodleUser } from '../moodle/api';
import { AccountProblem, AccountResolution, BotRole, configuredRoles, identityKey, lookupFor, resolveAccount } from './identity';
import { ChatCache, oneListPerCommand } from './cache';
import { CohortSyncs, cohortSyncsFor } from '../moodle/cohort-syncs';
import type { Store } from '../store/types';
import type { SyncEngine } from '../sync/engine';
import type { Command } from './commands';
import type { Catalog } from '../i18n';

export interface Identity {
  channel: 'cli' | 'teams' | 'slack';
  /** The chat platform's user id (for the audit trail). */
  chatUserId: string;
  email?: string;
  /** Teams user principal name. */
  upn?: string;
  locale?: string;
  /** Where the message came from: personal data is only answered in private. */
  conversation?: 'private' | 'shared';
  /** The shared conversation the message came from, as the channel can post to it later (opaque); kept only by an admin's `résumé ici`. */
  replyTo?: string;
}

export type { BotRole };

export interface BotDeps {
  config: Config;
  apis: Map<string, MoodleApi>;
  store: Store;
  engine: SyncEngine;
  directory: DirectorySource;
  logger: Logger;
  now?: () => Date;
  /** The person's accounts and courses, the sites' functions, course look-ups (cache.ts); BotCore sets it. */
  cache?: ChatCache;
}

/** A change to a cohort sync, as the update command resolved it. */
export type SyncPatch = { roleId?: number; groupId?: number; enabled?: boolean; name?: string };

/** What a "yes" will do: one typed case per action that is confirmed first. */
export type PendingAction =
  | { kind: 'add'; cohortId: number; cohortLabel: string; roleId: number; groupId: number; timeend: number; endLabel: string }
  | { kind: 'remove'; instanceIds: number[]; cohortLabel: string }
  | { kind: 'update'; instanceId: number; cohortLabel: string; cohortIdnumber: string; courseSpec: string; patch: SyncPatch; changes: string[] }
  /** `reject`: the same card and confirmation, to drop the held removals instead (#26). */
  | { kind: 'approve'; run: string; reject?: boolean }
  | { kind: 'members'; adding: boolean; cohortId: number; cohortLabel: string; userIds: number[] };

export interface Pending {
  id: string;
  actor: string;
  /** The command as typed and resolved (for the audit trail and the follow-up). */
  command: Command;
  platform: string;
  courseId: number;
  courseLabel: string;
  action: PendingAction;
  expiresAt: string;
}

export type PendingProblem = 'expired' | 'notYours' | 'none' | 'used';

/** The person has no account that may act on this platform: said to them with what to do. */
export class NoAccountError extends Error {
  constructor(
    readonly platform: string,
    readonly problem: AccountProblem,
  ) {
    super(`no usable Moodle account on ${platform}: ${problem}`);
  }
}

/**
 * A person as the authorisation step proved them: their live Moodle account on each platform where
 * they have exactly one, and why not elsewhere. Support and admin only for a person Moodle knows.
 */
export class Actor {
  readonly key: string;

  private constructor(
    readonly identity: Identity,
    private readonly accounts: ReadonlyMap<string, MoodleUser>,
    readonly problems: ReadonlyMap<string, AccountProblem>,
    private readonly configured: ReadonlySet<BotRole>,
    /**
     * Whether Moodle, asked now, agrees with the accounts this actor was built from (they may come from
     * the cache): the core answers, and writes, only once it does.
     */
    readonly confirmed: Promise<boolean> = Promise.resolve(true),
  ) {
    this.key = identityKey(identity);
  }

  /**
   * Looks the person up on every platform (concurrently); an unreachable platform is a problem, not a
   * failure. `trustMs`: an account Moodle confirmed that recently is taken without asking (ChatCache.account).
   */
  static async resolve(identity: Identity, deps: Pick<BotDeps, 'config' | 'apis' | 'cache'>, trustMs = 0): Promise<Actor> {
    const accounts = new Map<string, MoodleUser>();
    const problems = new Map<string, AccountProblem>();
    const checks: Array<Promise<boolean>> = [];
    await Promise.all(
      deps.config.platforms.map(async (p) => {
        const api = deps.apis.get(p.name);
        const look = () => resolveAccount(api!, identity, deps.config).catch((): AccountResolution => ({ ok: false, problem: 'unreachable' }));
        const lookup = lookupFor(identity, deps.config);
        // With the cache: start from what was last seen, and have Moodle confirm it meanwhile (cache.ts).
        const seen = api && deps.cache && !('problem' in lookup) ? deps.cache.account(p.name, identityKey(identity), `${lookup.field}:${lookup.value}`, look, trustMs) : undefined;
        const r = api ? await (seen ? seen.known : look()) : ({ ok: false, problem: 'none' } as const);
        if (seen) checks.push(seen.fresh.then((now) => sameAccount(now, r)));
        if (r.ok) accounts.set(p.name, r.user);
        else problems.set(p.name, r.problem);
      }),
    );
    const confirmed = Promise.all(checks).then((all) => all.every(Boolean));
    return new Actor(identity, accounts, problems, configuredRoles(identity, deps.config), confirmed);
  }

  /** Nobody looked up (help): no account, no role. */
  static anonymous(identity: Identity, config: Config): Actor {
    return new Actor(identity, new Map(), new Map(), configuredRoles(identity, config));
  }

  /** The same live account on every platform, and the same reason for none elsewhere. */
  sameAccounts(other: Actor): boolean {
    const names = new Set([...this.accounts.keys(), ...this.problems.keys(), ...other.accounts.keys(), ...other.problems.keys()]);
    return [...names].every((p) => (this.accounts.get(p)?.id ?? this.problems.get(p)) === (other.accounts.get(p)?.id ?? other.problems.get(p)));
  }

  /** At least one live Moodle account: the person is someone Moodle knows. */
  get verified(): boolean {
    return this.accounts.size > 0;
  }

  get roles(): ReadonlySet<BotRole> {
    return this.verified ? this.configured : new Set();
  }

  has(role: BotRole): boolean {
    return this.roles.has(role);
  }

  /** The person's Moodle account on a platform: every call made for them carries it. */
  account(platform: string): MoodleUser {
    const u = this.accounts.get(platform);
    if (!u) throw new NoAccountError(platform, this.problems.get(platform) ?? 'none');
    return u;
  }

  hasAccount(platform: string): boolean {
    return this.accounts.has(platform);
  }

  /** The most telling reason this person has no account anywhere (for the refusal). */
  get mainProblem(): AccountProblem {
    const order: AccountProblem[] = ['noIdentity', 'foreignDomain', 'ambiguous', 'suspended', 'unreachable', 'none'];
    const all = new Set(this.problems.values());
    return order.find((p) => all.has(p)) ?? (this.key === '' ? 'noIdentity' : 'none');
  }
}

/** Two look-ups of one person on one platform say the same: the same live account, or the same reason for none. */
const sameAccount = (a: AccountResolution, b: AccountResolution): boolean => (a.ok && b.ok ? a.user.id === b.user.id : !a.ok && !b.ok && a.problem === b.problem);

export class HandlerContext {
  private readonly syncs = new Map<string, Promise<CohortSyncs>>();

  constructor(
    readonly deps: BotDeps,
    readonly actor: Actor,
    readonly t: Catalog,
  ) {}

  get config(): Config {
    return this.deps.config;
  }

  now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  api(platform: string): MoodleApi {
    const api = this.deps.apis.get(platform);
    if (!api) throw new Error(`no platform ${platform}`);
    return api;
  }

  /** The cohort-sync methods of a platform (plugin or fallback), detected once per conversation turn. */
  cohortSyncs(platform: string): Promise<CohortSyncs> {
    let p = this.syncs.get(platform);
    if (!p) this.syncs.set(platform, (p = cohortSyncsFor(this.api(platform), this.config.cohortSyncFallbackRoles).then(oneListPerCommand)));
    return p;
  }

  async audit(e: { command: string; platform?: string; course?: string; target?: string; outcome: string; detail?: string }): Promise<void> {
    await this.deps.store.audit({ at: this.now().toISOString(), actor: this.actor.key || this.actor.identity.chatUserId, channel: this.actor.identity.channel, ...e });
  }

  /** Saves what a "yes" will do, for CONFIRM_TTL_MINUTES, owned by this person. */
  async savePending(p: Omit<Pending, 'id' | 'expiresAt' | 'actor'>): Promise<Pending> {
    const now = this.now();
    const pending: Pending = { ...p, id: crypto.randomBytes(4).toString('hex'), actor: this.actor.key, expiresAt: new Date(now.getTime() + this.config.confirmTtlMinutes * 60_000).toISOString() };
    await this.deps.store.saveConfirmation({ id: pending.id, actor: pending.actor, body: JSON.stringify(pending), createdAt: now.toISOString(), expiresAt: pending.expiresAt });
    await this.deps.store.setState(bareAnswerKey(pending.actor), pending.id);
    return pending;
  }

  /**
   * The pending confirmation by id, or the person's latest; consumed atomically, once. `button`: the
   * card's button that asks (confirm, cancel, the manual alternative). Someone else's card is refused,
   * and that refusal audited here, for every button, as every refusal is: who clicked (the actor),
   * which button, the card's id, `refused` with the code `notYours` — nothing of the card's owner or content.
   */
  async takePending(given: string | undefined, button: 'confirm' | 'cancel' | 'manual'): Promise<{ pending?: Pending; problem?: PendingProblem }> {
    if (given !== undefined && !/^[0-9a-f]{8}$/.test(given)) return { problem: 'expired' };
    // A bare answer: the confirmation the person's last reply asked for, if that is what it was.
    const id = given ?? ((this.actor.key && (await this.deps.store.getState(bareAnswerKey(this.actor.key)))) || undefined);
    if (id === undefined) return { problem: 'none' };
    const r = await this.deps.store.consumeConfirmation(id, this.actor.key, this.now());
    // A bare answer reaches only what is still waiting: the last one answered already, there is nothing.
    if (given === undefined && !r.ok && r.problem === 'used') return { problem: 'none' };
    if (!r.ok && r.problem === 'notYours') await this.audit({ command: button, target: id, outcome: 'refused', detail: 'notYours' }).catch(() => undefined);
    return r.ok ? { pending: JSON.parse(r.body) as Pending } : { problem: r.problem };
  }
}

/** The chat state holding the confirmation a person's bare "oui"/"non" answers ('' once they moved on). */
const bareAnswerKey = (actor: string): string => `bare-answer:${actor}`;

/**
 * Anything but an answer (another command, a line not understood, a next page): a bare "oui"/"non" no
 * longer reaches the confirmation before it (one asked earlier and left aside is answered by its own
 * card, or its id), so a "yes" acts on what the last reply asked, or on nothing.
 */
export async function leaveConfirmations(store: Store, actorKey: string): Promise<void> {
  if (!actorKey) return;
  const key = bareAnswerKey(actorKey);
  if (await store.getState(key)) await store.setState(key, '');
}
