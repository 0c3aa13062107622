/**
 * The SupAnn LDAP directory through ldapts 8 (docs/directory.md §4–§5): paged search with an
 * explicit attribute list, never a client size limit (ldapts would truncate silently), and any size
 * limit, time limit, referral or broken connection turns the read into an incomplete one.
 */
import fs from 'node:fs';
import { Client, EqualityFilter, Filter, FilterParser, InvalidCredentialsError, NoSuchObjectError, OrFilter, SizeLimitExceededError, TimeLimitExceededError } from 'ldapts';
import type { LdapSettings } from '../config';
import type { Logger } from '../log';
import { Attrs, EntryRules, InscriptionCache, STUDENT_ATTRIBUTES, ldapEntryAttrs, membershipFromEntry, studentFromEntry, syncAttributes } from './entry';
import { TAKEN, interceptEntries } from './ldap-entries';
import { Roster } from './roster';
import { DirectoryRead, DirectorySource, EtapeInfo, LookupResult, SkipCounter } from './types';

export interface LdapSourceOptions extends LdapSettings {
  url: string;
  baseDn: string;
  rules: EntryRules;
  etapes?: Record<string, EtapeInfo>;
  logger?: Logger;
}

/** Result counts that real servers use as size limits: hitting one exactly is suspicious. */
const ROUND_LIMITS = [500, 1000, 5000];

export class LdapSource implements DirectorySource {
  private readonly filter: Filter;

  constructor(private readonly opts: LdapSourceOptions) {
    try {
      this.filter = FilterParser.parseString(opts.filter);
    } catch (err) {
      throw new Error(`LDAP_FILTER ${JSON.stringify(opts.filter)} is not a valid LDAP filter: ${(err as Error).message}`);
    }
  }

  describe(): string {
    return `${this.opts.url.replace(/\/\/[^@/]*@/, '//')}/${this.opts.baseDn}`;
  }

  private attributes(): string[] {
    return [...new Set([...STUDENT_ATTRIBUTES, this.opts.rules.keyAttribute])];
  }

  private async connect(): Promise<Client> {
    const ca = this.opts.caFile ? [fs.readFileSync(this.opts.caFile)] : undefined;
    const client = new Client({
      url: this.opts.url,
      timeout: this.opts.timeoutMs,
      connectTimeout: this.opts.connectTimeoutMs,
      tlsOptions: ca ? { ca } : undefined,
      strictDN: true,
      // A transparent reconnect must not continue anonymously (ACLs would hide attributes).
      autoRebind: !this.opts.startTls,
    });
    if (this.opts.startTls) await client.startTLS(ca ? { ca } : {});
    if (this.opts.bindDn) await client.bind(this.opts.bindDn, this.opts.bindPassword ?? '');
    return client;
  }

  /**
   * The whole directory, streamed: each entry is folded into the roster as its bytes arrive and
   * dropped (ldap-entries.ts), so slapd sends the rest of a page while we fold. Without the hook
   * (another ldapts), each page is folded after the next one is asked for.
   */
  async read(into?: Roster): Promise<DirectoryRead> {
    const started = Date.now();
    const skip = new SkipCounter();
    const roster = into ?? new Roster();
    let entries = 0;
    let incompleteReason: string | undefined;
    let client: Client | undefined;
    let ahead: Promise<unknown> | undefined;
    const cache = new InscriptionCache(this.opts.rules);
    try {
      client = await this.connect();
      const fold = (dn: string, attrs: Attrs) => {
        entries++;
        const r = membershipFromEntry(dn, attrs, this.opts.rules, skip, this.opts.logger, cache);
        if (r.ok) roster.add(r.key, r.listeRouge, r.inscriptions);
        else skip.add(r.reason);
      };
      // Entries folded from the wire as they arrive (ldap-entries.ts); ldapts's own entries otherwise.
      interceptEntries(client, (e) => fold(e.dn, e));
      const pages = client.searchPaginated(this.opts.baseDn, {
        scope: 'sub',
        filter: this.filter,
        attributes: syncAttributes(this.opts.rules.keyAttribute),
        paged: { pageSize: this.opts.pageSize },
        timeLimit: this.opts.timeLimitSeconds,
      });
      let next = pages.next();
      ahead = next;
      for (;;) {
        const { done, value: page } = await next;
        if (done) break;
        if (page.searchReferences.length > 0) {
          incompleteReason = `the server returned ${page.searchReferences.length} referral(s): part of the directory lives elsewhere`;
          break;
        }
        next = pages.next();
        ahead = next;
        for (const e of page.searchEntries) if (e !== TAKEN) fold(e.dn, ldapEntryAttrs(e));
      }
    } catch (err) {
      incompleteReason = describeLdapError(err, this.opts, entries);
    } finally {
      // A page asked for ahead of a referral stop is abandoned with the connection.
      ahead?.catch(() => undefined);
      await client?.unbind().catch(() => undefined);
    }
    if (!incompleteReason && entries === 0) incompleteReason = 'the search returned no entries (wrong base DN or filter, or an ACL hides them)';
    const warnings = ROUND_LIMITS.includes(entries) || (entries > 0 && entries === this.opts.pageSize)
      ? [`the read returned exactly ${entries} entries, a common server size limit: removals are withheld until a later read differs`]
      : [];
    return {
      source: this.describe(),
      entries,
      roster,
      skipped: skip.counts,
      complete: incompleteReason === undefined,
      incompleteReason,
      warnings,
      etapes: this.opts.etapes ?? {},
      durationMs: Date.now() - started,
    };
  }

  /** One person by uid, supannEtuId or mail. The value only ever travels inside escaped filter objects. */
  async lookup(key: string): Promise<LookupResult> {
    const skip = new SkipCounter();
    const value = key.trim();
    const none: LookupResult = { complete: true, found: 'none', matches: 0, skipped: {} };
    if (value === '' || value.length > 256) return none;
    let client: Client | undefined;
    try {
      client = await this.connect();
      // A value with a space is a name ("Sarah Laurent"): displayName and cn too.
      const attributes = [...new Set(['uid', 'supannEtuId', 'mail', this.opts.rules.keyAttribute, ...(/\s/.test(value) ? ['displayName', 'cn'] : [])])];
      const filter = new OrFilter({ filters: attributes.map((attribute) => new EqualityFilter({ attribute, value })) });
      const { searchEntries, searchReferences } = await client.search(this.opts.baseDn, { scope: 'sub', filter, attributes: this.attributes(), timeLimit: this.opts.timeLimitSeconds });
      if (searchReferences.length > 0) return { ...none, complete: false, incompleteReason: 'the server returned a referral' };
      if (searchEntries.length === 0) return none;
      if (searchEntries.length > 1) {
        const candidates = searchEntries.slice(0, 10).flatMap((e) => {
          const r = studentFromEntry(e.dn, ldapEntryAttrs(e), this.opts.rules, new SkipCounter(), this.opts.logger);
          return r.ok ? [{ key: r.student.key, displayName: r.student.displayName }] : [];
        });
        return { ...none, found: 'student', matches: searchEntries.length, candidates };
      }
      const e = searchEntries[0]!;
      const r = studentFromEntry(e.dn, ldapEntryAttrs(e), this.opts.rules, skip, this.opts.logger);
      if (!r.ok) return { complete: true, found: 'excluded', reason: r.reason, matches: 1, skipped: skip.counts };
      return { complete: true, found: 'student', student: r.student, matches: 1, skipped: skip.counts };
    } catch (err) {
      return { ...none, complete: false, incompleteReason: describeLdapError(err, this.opts, 0) };
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }
}

function describeLdapError(err: unknown, opts: LdapSourceOptions, entriesSoFar: number): string {
  if (err instanceof SizeLimitExceededError) {
    return `the server's size limit cut the result after ${entriesSoFar} entries; give the bind account unlimited paged results (OpenLDAP: limits dn.exact="${opts.bindDn ?? 'anonymous'}" size.prtotal=unlimited)`;
  }
  if (err instanceof TimeLimitExceededError) return `the server's time limit (${opts.timeLimitSeconds} s per page, LDAP_TIME_LIMIT) stopped the search after ${entriesSoFar} entries`;
  if (err instanceof InvalidCredentialsError) return `the LDAP server refused the bind as ${opts.bindDn}: invalid credentials (check LDAP_BIND_DN and LDAP_BIND_PASSWORD)`;
  if (err instanceof NoSuchObjectError) return `the base DN ${opts.baseDn} does not exist on the server (check LDAP_BASE_DN)`;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED') return `the LDAP server ${opts.url} refused the connection (is it running? check LDAP_URL)`;
  if (e?.code === 'ENOTFOUND') return `the LDAP host in ${opts.url} is unknown (check LDAP_URL)`;
  if (/timeout|timed out/i.test(e?.message ?? '')) return `the LDAP server did not answer in time after ${entriesSoFar} entries (LDAP_TIMEOUT_MS=${opts.timeoutMs})`;
  return `the LDAP read failed after ${entriesSoFar} entries: ${e?.message ?? String(err)}`;
}
