/**
 * Every hint works (#26): every view the bot can produce — each command of the command table, as a
 * teacher, support, an admin and someone without an account, in French and in English, in several
 * states (a sync that exists, one disabled, none; removals held, then decided; unknown courses,
 * cohorts, students and runs) — is asked through the bot core, and every command it suggests (in
 * backticks, or behind a button) is then run *as the same person, against the same state*. None may
 * answer with a parse error, or say that what the hint itself named is unknown or not found.
 *
 * How views are enumerated: SAMPLES is typed by the command table (`Command['kind']`), and the test
 * checks it covers every key of the authorisation table (POLICIES), so a new command cannot be added
 * without its views being walked. Hints with placeholders (`<cours>`, `…`, `[…]`, `a|b`) are syntax,
 * not commands, and are not run; nor is a hint addressed to someone else ("a teacher of the course
 * can `add …`", shown to support). Buttons that carry a confirmation id are checked by cancelling them
 * (`non <id>` must find the confirmation it names); `oui`/`manuel` are not pressed here (other tests
 * press them), nor `créer cohorte` run (it would create a cohort): both are parsed only.
 */
import { POLICIES } from '../../src/bot/authz';
import type { Command } from '../../src/bot/commands';
import { parseCommand } from '../../src/bot/commands';
import type { BotCore } from '../../src/bot/core';
import { renderText } from '../../src/channels/cli/render';
import type { View } from '../../src/bot/views';
import { ADMIN, SUPPORT, TEACHER, botFor, who } from '../helpers/bot';
import { demoStudents, MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';

const STRANGER = 'stranger@nowhere.example';
const PEOPLE: Array<[string, string]> = [
  ['teacher', TEACHER],
  ['support', SUPPORT],
  ['admin', ADMIN],
  // A student (teaches nothing): refused in their own words, with what they may ask instead.
  ['student', 'zoe.leroy1@etu.univ-demo.fr'],
  ['no account', STRANGER],
];

type Lang = 'fr' | 'en';
type Phase = 'base' | 'held' | 'decided';

/** The views of each command, in each language; `run`: the held run of the phase (or one that does not exist). */
function samples(lang: Lang, run: string): { [K in Command['kind']]: string[] } {
  const fr = lang === 'fr';
  return {
    help: [fr ? 'aide' : 'help'],
    whoami: [fr ? 'qui suis-je' : 'whoami'],
    search: fr ? ['chercher pharma', 'chercher pharma dans PHA-L2-101', 'chercher zzz dans NOPE-999'] : ['search pharma', 'search pharma in PHA-L2-101', 'search zzz in NOPE-999'],
    syncs: fr ? ['méthodes PHA-L2-101', 'méthodes pha-l2-102', 'méthodes Pharmacologie generale', 'méthodes PHA-L2-10'] : ['syncs PHA-L2-101', 'syncs pha-l2-102', 'syncs Pharmacologie generale', 'syncs PHA-L2-10'],
    add: fr
      ? ['ajouter etp:L3PHA1 à PHA-L3-201', 'ajouter etp:L2PHA1 à PHA-L2-102', 'ajouter etp:L3PHA1 à PHA-L2-102', 'ajouter etp:NOPE à PHA-L2-101', 'ajouter etp:L2PHA1 à NOPE-101', 'ajouter pharma à PHA-L2-101', 'ajouter etp:L3PHA à PHA-L2-101']
      : ['add etp:L3PHA1 to PHA-L3-201', 'add etp:L2PHA1 to PHA-L2-102', 'add etp:L3PHA1 to PHA-L2-102', 'add etp:NOPE to PHA-L2-101', 'add etp:L2PHA1 to NOPE-101', 'add pharma to PHA-L2-101', 'add etp:L3PHA to PHA-L2-101'],
    update: fr
      ? ['modifier etp:L3PHA1 dans PHA-L2-102 activer', 'modifier tuteurs-l2-pharma dans PHA-L2-101 rôle étudiant', 'modifier etp:L2PHA1 dans PHA-L3-201 rôle enseignant', 'modifier etp:L2PHA1 dans PHA-L2-102 désactiver']
      : ['update etp:L3PHA1 in PHA-L2-102 enable', 'update tuteurs-l2-pharma in PHA-L2-101 role student', 'update etp:L2PHA1 in PHA-L3-201 role teacher', 'update etp:L2PHA1 in PHA-L2-102 disable'],
    remove: fr ? ['retirer tuteurs-l2-pharma de PHA-L2-101', 'retirer etp:NOPE de PHA-L2-101'] : ['remove tuteurs-l2-pharma from PHA-L2-101', 'remove etp:NOPE from PHA-L2-101'],
    status: fr ? ['état', 'état L2PHA1', 'état ecampus'] : ['status', 'status L2PHA1', 'status ecampus'],
    confirm: [fr ? 'oui' : 'yes'],
    cancel: [fr ? 'annuler' : 'cancel'],
    manual: [fr ? 'manuel 0badcafe' : 'manual 0badcafe'],
    why: fr ? ['pourquoi e21900001 PHA-L2-102', 'pourquoi e21900001 chimie analytique', 'pourquoi e21900001 PHA-L2-11', "pourquoi e21900001 n'est pas inscrit à PHA-L2-101", 'pourquoi e29999999 PHA-L2-102'] : ['why e21900001 PHA-L2-102', 'why e21900001 chimie analytique', 'why e21900001 PHA-L2-11', 'is e21900001 enrolled in PHA-L2-101?', 'why e29999999 PHA-L2-102'],
    sync: fr ? ['synchroniser étudiant e21900001', 'synchroniser cohorte L2PHAX'] : ['sync student e21900001', 'sync cohort L2PHAX'],
    history: [fr ? 'historique e21900001' : 'history e21900001'],
    approve: [fr ? `approuver ${run}` : `approve ${run}`],
    reject: [fr ? `rejeter ${run}` : `reject ${run}`],
    createCohort: [fr ? 'créer cohorte' : 'create cohort'],
    addMembers: [fr ? 'ajouter membres tuteurs-l2-pharma e21900005' : 'add members tuteurs-l2-pharma e21900005'],
    removeMembers: [fr ? 'retirer membres tuteurs-l2-pharma nobody42' : 'remove members tuteurs-l2-pharma nobody42'],
    members: fr ? ['membres tuteurs-l2-pharma', 'membres nope'] : ['members tuteurs-l2-pharma', 'members nope'],
    summaryHere: [fr ? 'résumé ici' : 'summary here'],
    notifications: fr ? ['notifications non', 'notifications oui'] : ['notifications off', 'notifications on'],
    changes: fr ? ['changements PHA-L2-101', 'changements NOPE-101'] : ['changes PHA-L2-101', 'changes NOPE-101'],
    myCourses: [fr ? 'mes cours' : 'my courses'],
    selfWhy: fr ? ['pourquoi je ne suis pas inscrit en PHA-L2-102', 'pourquoi je ne suis pas inscrite à NOPE-101'] : ['why am I not enrolled in PHA-L2-102', 'why am I not enrolled in NOPE-101'],
  };
}

/** Which commands' views change with the held / decided state (the others are walked once, in `base`). */
const PHASE_KINDS: Record<Phase, Array<Command['kind']> | 'all'> = { base: 'all', held: ['help', 'status', 'approve', 'reject', 'why'], decided: ['status', 'approve', 'reject'] };

/** Answers that say a hint failed: the grammar did not read it, or what it named is unknown. */
const BROKEN = new RegExp(
  [
    'Je n’ai pas compris', 'I did not understand', 'Option inconnue', 'Unknown or invalid option', 'Il manque', 'is missing\\. Example', 'Rôle inconnu', 'Unknown role',
    'Aucun cours «', 'No course [“"]', 'Aucune cohorte «', 'No cohort [“"]', 'n’est pas synchronisée avec', 'is not synced with', 'Aucun retrait retenu', 'No held removals',
    'Étudiant inconnu', 'Unknown student', 'Cohorte inconnue', 'Unknown cohort', 'Plateforme inconnue', 'Unknown platform', 'Aucune cohorte manuelle', 'No manual cohort',
    'Rien à confirmer', 'Nothing to confirm', 'rien en attente', 'Nothing was waiting',
  ].join('|'),
);

/** Words that address a hint to another person than the reader. */
const FOR_SOMEONE_ELSE = /(un enseignant du cours peut|a teacher of the course can)\s*$/;

/** Verbs of one language only (the grammar reads both; a hint speaks the asker's). */
const FRENCH_VERB = /^(aide|qui suis-je|chercher|méthodes|ajouter|modifier|retirer|état|oui|non|manuel|pourquoi|synchroniser|historique|approuver|rejeter|créer|membres|changements|mes cours|résumé)(\s|$)/i;
const ENGLISH_VERB = /^(help|whoami|search|syncs|add|update|remove|status|yes|no|manual|why|sync|history|approve|reject|create|members|changes|my courses|summary)(\s|$)/i;

/** A hint with placeholders is syntax to fill in, not a command. */
const isTemplate = (hint: string) => /[<…[|]/.test(hint);

const hintsOf = (view: View): Array<{ hint: string; button: boolean }> => {
  const texts = view.blocks.flatMap((b) => (b.type === 'text' ? [b.text] : b.type === 'facts' ? b.facts.map((f) => f.value) : []));
  return [
    // A hint said to be for someone else ("a teacher of the course can `add …`") is theirs to type, not this person's.
    ...texts.flatMap((t) => [...t.matchAll(/`([^`]+)`/g)].filter((m) => !FOR_SOMEONE_ELSE.test(t.slice(Math.max(0, m.index! - 40), m.index))).map((m) => ({ hint: m[1]!, button: false }))), ...(view.buttons ?? []).map((b) => ({ hint: b.payload, button: true }))];
};

describe('every hint works when the person it was shown to uses it (#26)', () => {
  let h: SyncHarness;
  let bot: BotCore;
  const dir = new MemoryDirectory();
  const platforms = ['ecampus', 'collegium'];
  let heldRun = 'r-nope';

  beforeAll(async () => {
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir });
    await h.engine.run();
    bot = botFor(h);
    // A sync that exists but is disabled (etp:L3PHA1 in PHA-L2-102), beside the seed's active ones.
    const ask = await bot.handle(who(TEACHER), 'ajouter etp:L3PHA1 à PHA-L2-102 inactive');
    await bot.handle(who(TEACHER), ask.buttons!.find((b) => b.payload.startsWith('oui '))!.payload);
  });
  afterAll(() => h.stop());

  it('the samples cover every command of the command table', () => {
    expect(Object.keys(samples('fr', 'x')).sort()).toEqual(Object.keys(POLICIES).sort());
  });

  /** Removals held: two étapes gone from the directory, so the guard holds the run. */
  async function holdRemovals(): Promise<string> {
    const keep = dir.students;
    dir.students = keep.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && ['L1DRT1', 'L3DRT1'].includes(i.etape)));
    try {
      const run = await h.engine.run();
      expect(run.status).toBe('held');
      return run.runId;
    } finally {
      dir.students = keep;
    }
  }

  async function walk(phase: Phase): Promise<{ views: number; hints: number; failures: string[] }> {
    const failures: string[] = [];
    let views = 0;
    let hints = 0;
    for (const [role, email] of PEOPLE) {
      for (const lang of ['fr', 'en'] as const) {
        const kinds = samples(lang, heldRun);
        const wanted = PHASE_KINDS[phase];
        for (const [kind, inputs] of Object.entries(kinds) as Array<[Command['kind'], string[]]>) {
          if (wanted !== 'all' && !wanted.includes(kind)) continue;
          for (const input of inputs) {
            const person = who(email, { locale: lang });
            const view = await bot.handle(person, input);
            views++;
            const found = hintsOf(view).filter((x) => !isTemplate(x.hint));
            // Cancel buttons last: they use up the confirmation the other buttons name.
            found.sort((a, b) => Number(/^(non|no|annuler|cancel) /i.test(a.hint)) - Number(/^(non|no|annuler|cancel) /i.test(b.hint)));
            for (const { hint, button } of found) {
              hints++;
              const where = `[${phase}] ${role} (${lang}) «${input}» → ${button ? 'button' : 'hint'} «${hint}»`;
              const parsed = parseCommand(hint, { platforms });
              if (!parsed.ok) {
                failures.push(`${where}: does not parse (${parsed.error.code})`);
                continue;
              }
              // A hint is in the asker's language (fixparse #3): its verb is never the other language's.
              if ((lang === 'en' ? FRENCH_VERB : ENGLISH_VERB).test(hint)) failures.push(`${where}: not in the asker's language`);
              const k = parsed.command.kind;
              // Pressing "yes" / "manual" would act: other tests do; here the id must name a live confirmation (checked by cancelling it).
              if (k === 'confirm' || k === 'manual' || k === 'createCohort') continue;
              if (phase === 'held' && k === 'sync') continue; // a run now would supersede the held plan this phase is about
              const reply = renderText(await bot.handle(person, hint));
              if (BROKEN.test(reply)) failures.push(`${where}: ${reply.replace(/\s+/g, ' ').slice(0, 220)}`);
            }
          }
        }
      }
    }
    return { views, hints, failures };
  }

  it('with syncs active, disabled and absent, and unknown courses, cohorts, students and runs', async () => {
    const r = await walk('base');
    process.stderr.write(`hints (base): ${r.views} views, ${r.hints} hints run\n`);
    expect(r.failures).toEqual([]);
    expect(r.hints).toBeGreaterThan(50);
  });

  it('with removals held, then decided', async () => {
    heldRun = await holdRemovals();
    const held = await walk('held');
    expect(held.failures).toEqual([]);
    // Decided: the administrator approves (card, then yes).
    const ask = await bot.handle(who(ADMIN), `approuver ${heldRun}`);
    await bot.handle(who(ADMIN), ask.buttons!.find((b) => b.payload.startsWith('oui '))!.payload);
    const decided = await walk('decided');
    process.stderr.write(`hints (held, decided): ${held.views + decided.views} views, ${held.hints + decided.hints} hints run\n`);
    expect(decided.failures).toEqual([]);
  });
});
