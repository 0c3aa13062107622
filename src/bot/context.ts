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
import { CohortSyncs, cohortSyncsFor } from '../moodle/cohort-syncs';
import type { Store } from '../store/types';
import type { SyncEngine } from '../sync/engine';
import type { Command } from './commands';
import type { Catalog } from './i18n';

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
}

export type BotRole = 'teacher' | 'support' | 'admin';

export interface BotDeps {
  config: Config;
  apis: Map<string, MoodleApi>;
  store: Store;
  engine: SyncEngine;
  directory: DirectorySource;
  logger: Logger;
  now?: () => Date;
}

export interface Pending {
  id: string;
  actor: string;
  command: Command;
  platform: string;
  courseId: number;
  courseLabel: string;
  data: Record<string, unknown>;
  expiresAt: string;
}

const CONFIRM_TTL_MS = 15 * 60_000;

export class Actor {
  readonly key: string;
  readonly roles: Set<BotRole>;
  private readonly accounts = new Map<string, Promise<MoodleUser | undefined>>();

  constructor(
    readonly identity: Identity,
    private readonly deps: BotDeps,
  ) {
    this.key = (identity.email ?? identity.upn ?? '').trim().toLowerCase();
    const cfg = deps.config;
    this.roles = new Set<BotRole>();
    if (this.key !== '') this.roles.add('teacher');
    if (cfg.adminUsers.includes(this.key)) this.roles.add('admin').add('support');
    if (cfg.supportUsers.includes(this.key)) this.roles.add('support');
  }

  get known(): boolean {
    return this.key !== '';
  }

  has(role: BotRole): boolean {
    return this.roles.has(role);
  }

  /** The person's Moodle account on a platform (CHAT_IDENTITY_MATCH: e-mail, or UPN before @ = username). */
  moodleUser(platform: string): Promise<MoodleUser | undefined> {
    let p = this.accounts.get(platform);
    if (!p) {
      const api = this.deps.apis.get(platform);
      if (!api || !this.known) return Promise.resolve(undefined);
      const byUsername = this.deps.config.chatIdentityMatch === 'username';
      const value = byUsername ? (this.identity.upn ?? this.key).split('@')[0]!.toLowerCase() : (this.identity.email ?? this.key).toLowerCase();
      p = api.getUsersByField(byUsername ? 'username' : 'email', [value]).then((users) => users.find((u) => !u.suspended) ?? users[0]);
      p.catch(() => this.accounts.delete(platform));
      this.accounts.set(platform, p);
    }
    return p;
  }
}

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
    if (!p) this.syncs.set(platform, (p = cohortSyncsFor(this.api(platform))));
    return p;
  }

  async audit(e: { command: string; platform?: string; course?: string; target?: string; outcome: string; detail?: string }): Promise<void> {
    await this.deps.store.audit({ at: this.now().toISOString(), actor: this.actor.key || this.actor.identity.chatUserId, channel: this.actor.identity.channel, ...e });
  }

  async savePending(p: Omit<Pending, 'id' | 'expiresAt' | 'actor'>): Promise<Pending> {
    const pending: Pending = { ...p, id: crypto.randomBytes(4).toString('hex'), actor: this.actor.key, expiresAt: new Date(this.now().getTime() + CONFIRM_TTL_MS).toISOString() };
    await this.deps.store.setState(`confirm:${pending.id}`, JSON.stringify(pending));
    await this.deps.store.setState(`pending:${this.actor.key}`, pending.id);
    return pending;
  }

  /** The pending confirmation by id, or the person's latest; consumed once. */
  async takePending(id: string | undefined): Promise<{ pending?: Pending; problem?: 'expired' | 'notYours' | 'none' }> {
    const pid = id ?? (await this.deps.store.getState(`pending:${this.actor.key}`));
    if (!pid || !/^[0-9a-f]{8}$/.test(pid)) return { problem: id ? 'expired' : 'none' };
    const raw = await this.deps.store.getState(`confirm:${pid}`);
    if (!raw) return { problem: 'expired' };
    const pending = JSON.parse(raw) as Pending;
    if (pending.actor !== this.actor.key) return { problem: 'notYours' };
    await this.deps.store.setState(`confirm:${pid}`, '');
    if (Date.parse(pending.expiresAt) < this.now().getTime()) return { problem: 'expired' };
    return { pending };
  }
}
