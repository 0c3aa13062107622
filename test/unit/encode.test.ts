import { countVars, decodeParams, encodeBody, encodeParams, formBody } from '../../src/moodle/encode';
import { DEFAULT, OPTIONAL, WsException, cleanReturnValue, multiple, single, validateParameters, value } from '../../src/simulator/desc';

describe('PHP bracket encoding', () => {
  it('encodes nested lists and objects in bracket form with booleans as 0/1', () => {
    const pairs = encodeParams({
      members: [
        { cohorttype: { type: 'idnumber', value: 'etp:L2PHA1' }, usertype: { type: 'username', value: 'e21900123' } },
        { cohorttype: { type: 'id', value: '7' }, usertype: { type: 'id', value: '42' } },
      ],
      visible: false,
      flag: true,
      n: 3,
      skip: undefined,
      none: null,
    });
    expect(pairs).toEqual([
      ['members[0][cohorttype][type]', 'idnumber'],
      ['members[0][cohorttype][value]', 'etp:L2PHA1'],
      ['members[0][usertype][type]', 'username'],
      ['members[0][usertype][value]', 'e21900123'],
      ['members[1][cohorttype][type]', 'id'],
      ['members[1][cohorttype][value]', '7'],
      ['members[1][usertype][type]', 'id'],
      ['members[1][usertype][value]', '42'],
      ['visible', '0'],
      ['flag', '1'],
      ['n', '3'],
    ]);
  });

  it('leaves empty lists out, because PHP cannot carry them', () => {
    expect(encodeParams({ cohortids: [], q: '' })).toEqual([['q', '']]);
  });

  it('round-trips through the decoder the simulator uses, including unicode and brackets in values', () => {
    const input = { cohorts: [{ categorytype: { type: 'system', value: '' }, name: 'Licence 2 – Pharmacie [FOAD] é&=?', idnumber: 'etp:L2PHA1' }], query: 'a&b=c' };
    const body = formBody([['wstoken', 't']], encodeParams(input));
    const decoded = decodeParams(new URLSearchParams(body));
    expect(decoded).toEqual({ wstoken: 't', cohorts: { '0': { categorytype: { type: 'system', value: '' }, name: input.cohorts[0]!.name, idnumber: 'etp:L2PHA1' } }, query: 'a&b=c' });
  });

  it('encodes a body in one pass with exactly the bytes URLSearchParams writes', () => {
    const tricky = ['a b', "!'()~*._-", 'é&=?+%', '[x]', '😀 中文', 'lone \ud800 surrogate', '', 'tab\tnl\n'];
    const params = { members: tricky.map((t, i) => ({ cohorttype: { type: 'idnumber', value: t }, usertype: { type: 'id', value: String(i) } })), 'weird key[]': tricky[0]!, flag: false, n: 12, none: null, empty: [] };
    const control: Array<[string, string]> = [['wstoken', 't k'], ['wsfunction', 'f']];
    const reference = new URLSearchParams([...control, ...encodeParams(params)]).toString();
    expect(encodeBody(control, params)).toBe(reference);
    expect(formBody(control, encodeParams(params))).toBe(reference);
  });

  it('puts the control fields first', () => {
    const body = formBody([['wstoken', 'secret'], ['wsfunction', 'f']], [['a', '1']]);
    expect(body.startsWith('wstoken=secret&wsfunction=f&')).toBe(true);
  });

  it('counts one input variable per leaf', () => {
    expect(countVars({ members: [{ cohorttype: { type: 'a', value: 'b' }, usertype: { type: 'c', value: 'd' } }] })).toBe(4);
    expect(countVars({ cohortids: [1, 2, 3] })).toBe(3);
    expect(countVars({})).toBe(0);
  });

  it('rejects non-finite numbers instead of sending "NaN"', () => {
    expect(() => encodeParams({ id: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('simulated validate_parameters / clean_returnvalue', () => {
  const desc = single({ ids: multiple(value('int'), DEFAULT([])), flag: value('bool', OPTIONAL), name: value('raw') });
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as WsException).errorcode;
    }
    return 'no error';
  };

  it('fills defaults and leaves optional keys out', () => {
    expect(validateParameters(desc, { name: 'x' })).toEqual({ ids: [], name: 'x' });
  });
  it('rejects unexpected keys, missing required keys and bools written "true"', () => {
    expect(codeOf(() => validateParameters(desc, { name: 'x', foo: '1' }))).toBe('invalidparameter');
    expect(codeOf(() => validateParameters(desc, {}))).toBe('invalidparameter');
    expect(codeOf(() => validateParameters(desc, { name: 'x', flag: 'true' }))).toBe('invalidparameter');
    expect(validateParameters(desc, { name: 'x', flag: '1' })).toEqual({ ids: [], name: 'x', flag: true });
    expect(codeOf(() => validateParameters(desc, { name: 'x', ids: { 0: 'abc' } }))).toBe('invalidparameter');
  });
  it('drops undeclared return fields and casts scalars', () => {
    const out = single({ id: value('int'), visible: value('bool'), name: value('text') });
    expect(cleanReturnValue(out, { id: '5', visible: 1, name: 7, contextid: 9, component: 'x' })).toEqual({ id: 5, visible: true, name: '7' });
    expect(codeOf(() => cleanReturnValue(out, { id: 1, visible: true }))).toBe('invalidresponse');
    expect(cleanReturnValue(null, { anything: 1 })).toBeNull();
  });
});

describe('the limiter', () => {
  const { Limiter } = jest.requireActual<typeof import('../../src/util/limiter')>('../../src/util/limiter');
  it('never runs more than its limit, halves on slowDown, climbs back one at a time, and keeps FIFO order', async () => {
    const l = new Limiter(4);
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const task = (i: number) => l.run(async () => {
      order.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => gates.push(r));
      running--;
    });
    l.slowDown();
    expect(l.limit).toBe(2);
    const all = Array.from({ length: 6 }, (_, i) => task(i));
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(2);
    for (let k = 0; k < 2; k++) l.wentWell();
    expect(l.limit).toBe(3);
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(3);
    while (gates.length > 0 || running > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    expect(peak).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    l.slowDown();
    l.slowDown();
    l.slowDown();
    expect(l.limit).toBe(1);
  });
});
