/**
 * The directory read timed in a process of its own (as ldapsearch runs in its own): the product's
 * reader (ldapts, folded into the roster) and bare ldapts (pages of entries, thrown away), best of
 * three after a warm-up read. Prints one JSON line. Used by bench.ts: in the bench's own process the
 * garbage collector would also trace the whole synthetic university.
 *   node ldap-times.js <ldap url> <expected students>
 */
import { Client } from 'ldapts';
import { syncAttributes } from '../src/directory/entry';
import { LdapSource } from '../src/directory/ldap';
import { BASE_DN, READER_DN, READER_PW } from '../test/helpers/slapd';
import { UAI } from './university';

export const LDAP_BASE = `ou=people,${BASE_DN}`;
export const LDAP_FILTER = '(eduPersonAffiliation=student)';

async function best(f: () => Promise<void>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    await f();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return Math.round(min);
}

async function main(url: string, students: number): Promise<void> {
  const source = new LdapSource({ url, bindDn: READER_DN, bindPassword: READER_PW, baseDn: LDAP_BASE, filter: LDAP_FILTER, pageSize: 500, startTls: false, timeoutMs: 600_000, connectTimeoutMs: 5000, timeLimitSeconds: 600, rules: { keyAttribute: 'uid', keyField: 'username', uai: UAI } });
  await source.read();
  const ldaptsReadMs = await best(async () => {
    const read = await source.read();
    if (!read.complete || read.roster.size !== students) throw new Error(`ldapts read ${read.roster.size}/${students}: ${read.incompleteReason}`);
  });
  const ldaptsRawReadMs = await best(async () => {
    const c = new Client({ url });
    await c.bind(READER_DN, READER_PW);
    for await (const page of c.searchPaginated(LDAP_BASE, { scope: 'sub', filter: LDAP_FILTER, attributes: syncAttributes('uid'), paged: { pageSize: 500 } })) void page;
    await c.unbind();
  });
  process.stdout.write(`${JSON.stringify({ ldaptsReadMs, ldaptsRawReadMs })}\n`);
}

if (require.main === module) {
  void main(process.argv[2]!, Number(process.argv[3])).catch((err: Error) => {
    process.stderr.write(`ldap-times: ${err.message}\n`);
    process.exit(1);
  });
}
