/**
 * The nightly read's entry decoder (src/directory/ldap-entries.ts) on the bytes a server sends:
 * every entry comes out as ldapts would read it whatever way TCP cuts the stream (seeded random
 * cuts), the other answers still reach ldapts, and a broken entry fails the search it belongs to.
 * The hook is held on the installed ldapts: if its internals move, this fails instead of the read
 * silently going the slow way.
 */
import { BerWriter, Client, PagedResultsControl, SearchResponse } from 'ldapts';
import { TAKEN, WireEntry, decodeEntry, interceptEntries } from '../../src/directory/ldap-entries';

type Attr = [name: string, values: string[]];

/** An LDAPMessage holding a SearchResultEntry, as a server encodes it. */
function entryMessage(messageId: number, dn: string, attrs: Attr[]): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(messageId);
  w.startSequence(0x64);
  w.writeString(dn);
  w.startSequence();
  for (const [name, values] of attrs) {
    w.startSequence();
    w.writeString(name);
    w.startSequence(0x31);
    for (const v of values) w.writeString(v);
    w.endSequence();
    w.endSequence();
  }
  w.endSequence();
  w.endSequence();
  w.endSequence();
  return Buffer.from(w.buffer);
}

/** A SearchResultDone (success), with a paged-results cookie when there is more. */
function doneMessage(messageId: number, cookie?: Buffer): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(messageId);
  w.startSequence(0x65);
  w.writeEnumeration(0);
  w.writeString('');
  w.writeString('');
  w.endSequence();
  if (cookie) {
    w.startSequence(0xa0);
    new PagedResultsControl({ value: { size: 0, cookie } }).write(w);
    w.endSequence();
  }
  w.endSequence();
  return Buffer.from(w.buffer);
}

let seed = 20261203;
// The high bits of an LCG (its low bits cycle with short periods).
const rand = (n: number) => Math.floor(((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * n);

const ALPHABET = ['a', 'Z', '0', ' ', '[', ']', '=', '{', '}', 'é', 'ß', '😀', '\u00a0', 'ـ', '\\', '*', '(', ')'];
const randomText = (max: number) => Array.from({ length: rand(max) }, () => ALPHABET[rand(ALPHABET.length)]).join('');
const NAMES = ['uid', 'UID', 'eduPersonAffiliation', 'supannEtuInscription', 'SupannEtuId', 'supannListeRouge'];

function randomEntry(i: number): { dn: string; attrs: Attr[] } {
  const attrs: Attr[] = Array.from({ length: rand(5) }, () => [NAMES[rand(NAMES.length)]!, Array.from({ length: rand(4) }, () => randomText(rand(10) === 0 ? 400 : 30))]);
  return { dn: `uid=r${i},ou=people,dc=univ,dc=fr`, attrs };
}

/** What the entry rules must see: the values of a name in any case, parts of a split attribute together. */
function expected(attrs: Attr[], lower: string): string[] | undefined {
  const parts = attrs.filter(([n]) => n.toLowerCase() === lower);
  return parts.length === 0 ? undefined : parts.flatMap(([, v]) => v);
}

interface Pending {
  resolve: (m: unknown) => void;
  reject: (e: unknown) => void;
}

/** A client that never connects: its parser is fed bytes as the socket would, one search registered as pending. */
function clientWithSearch(messageId: number): { client: Client; feed: (b: Buffer) => void; answer: Promise<SearchResponse> } {
  const client = new Client({ url: 'ldap://127.0.0.1:1' });
  const internals = client as unknown as { messageParser: { read(b: Buffer, m: Map<string, unknown>): void }; messageDetailsByMessageId: Map<string, unknown> };
  let pending!: Pending;
  const answer = new Promise<SearchResponse>((resolve, reject) => (pending = { resolve: resolve as (m: unknown) => void, reject }));
  internals.messageDetailsByMessageId.set(String(messageId), { message: { controls: [new PagedResultsControl({ value: { size: 7 } })] }, ...pending });
  return { client, feed: (b) => internals.messageParser.read(b, internals.messageDetailsByMessageId), answer };
}

describe('the wire decoder of search entries', () => {
  it('hooks the installed ldapts', () => {
    expect(interceptEntries(new Client({ url: 'ldap://127.0.0.1:1' }), () => undefined)).toBe(true);
  });

  it('reads every entry as sent, however the stream is cut, and leaves the end of the page to ldapts (seeded)', async () => {
    for (let round = 0; round < 40; round++) {
      const sent = Array.from({ length: 1 + rand(30) }, (_, i) => randomEntry(i));
      const stream = Buffer.concat([...sent.map((e) => entryMessage(5, e.dn, e.attrs)), doneMessage(5, Buffer.from('next'))]);
      const { client, feed, answer } = clientWithSearch(5);
      const got: WireEntry[] = [];
      expect(interceptEntries(client, (e) => got.push(e))).toBe(true);
      // Cut anywhere: single bytes, mid-length, mid-value.
      let at = 0;
      while (at < stream.length) {
        const n = 1 + rand(rand(4) === 0 ? 3 : 300);
        feed(stream.subarray(at, at + n));
        at += n;
      }
      const done = await answer;
      expect(got.map((e) => e.dn)).toEqual(sent.map((e) => e.dn));
      got.forEach((e, i) => {
        for (const name of NAMES) expect(e.get(name.toLowerCase())).toEqual(expected(sent[i]!.attrs, name.toLowerCase()));
      });
      // ldapts got the page's end with its cookie, and one stand-in so that it asks for the next page.
      expect(done.searchEntries).toHaveLength(1);
      expect(done.searchEntries[0]!.toObject([], [])).toBe(TAKEN);
      const paged = done.controls?.find((c) => c instanceof PagedResultsControl) as PagedResultsControl | undefined;
      expect(paged?.value?.cookie?.toString()).toBe('next');
    }
  });

  it('reads long-form lengths and multi-byte text exactly', () => {
    const big = 'é'.repeat(70_000);
    const m = entryMessage(9, 'uid=é,dc=x', [['supannEtuInscription', [big, '']], ['uid', ['😀']]]);
    // Skip the message's header and its id to reach the entry's content, as the hook does.
    const e = decodeEntry(m, m.indexOf(Buffer.from('uid=é')) - 2, m.length);
    expect(e.dn).toBe('uid=é,dc=x');
    expect(e.get('supannetuinscription')).toEqual([big, '']);
    expect(e.get('uid')).toEqual(['😀']);
    expect(e.get('mail')).toBeUndefined();
  });

  it('fails the search an entry belongs to when its bytes are broken, and delivers nothing from it', async () => {
    const good = entryMessage(3, 'uid=a,dc=x', [['uid', ['a']]]);
    const broken = Buffer.from(entryMessage(3, 'uid=b,dc=x', [['uid', ['b']]]));
    // The attribute list's tag becomes a SET: a well-framed message whose entry is malformed.
    broken[broken.indexOf(Buffer.from('uid=b,dc=x')) + 'uid=b,dc=x'.length] = 0x31;
    const { client, feed, answer } = clientWithSearch(3);
    const got: string[] = [];
    interceptEntries(client, (e) => got.push(e.dn));
    feed(Buffer.concat([good, broken]));
    await expect(answer).rejects.toThrow(/Expected 0x30/);
    expect(got).toEqual(['uid=a,dc=x']);
  });
});
