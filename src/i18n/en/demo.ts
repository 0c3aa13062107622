/** The texts of `cohortbot demo`, in English. */
import type { PlatformRunSummary } from '../../store/types';
import { count, formatNumber } from '../format';
import type { demoFr } from '../fr/demo';

export const demoEn: typeof demoFr = {
  title: 'cohortbot — demonstration',
  directory: (d) => `Directory: ${d}`,
  platforms: (list) => `Platforms: ${list}`,
  firstSync: 'First sync…',
  platform: (p: PlatformRunSummary) =>
    `  ${p.name}: ${count(p.cohortsCreated, 'en', { one: 'cohort', other: 'cohorts' })} created, ${count(p.membersAdded, 'en', { one: 'member', other: 'members' })} added, ${formatNumber(p.membersRemoved, 'en')} removed, ${count(p.pendingAccounts, 'en', { one: 'account', other: 'accounts' })} pending (${count(p.writeCalls, 'en', { one: 'write call', other: 'write calls' })})`,
  outcome: (status, ms, run) => `  → ${status} in ${formatNumber(ms, 'en')} ms (run ${run})`,
  serving: 'Serving:',
  simulated: 'Simulated Moodle',
  teams: (url, authenticated) => `POST ${url}/api/messages (local mode${authenticated ? ', authenticated' : ', no authentication'})`,
  slackOff: 'off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)',
  health: 'Health, metrics',
  nextRun: (at) => `  Next run: ${at}`,
  tryThese: 'Three conversations to try:',
  teacher: 'teacher',
  tries: {
    teacher: 'search pharma · add etp:L2PHA1 to PHA-L2-101 role student group none · yes',
    support: 'why e21900011 PHA-L2-102 · sync student e21900011 · history e21900011',
    admin: 'status · sync all · approve <run>',
  },
  switchPerson: '  (cohortbot demo --as <e-mail> --lang en to talk as someone else)',
  secondTerminal: (cmd) => `  In another terminal, while the demo runs: ${cmd}`,
  scriptFailed: (expect) => `  ✗✗ FAILED: the answer does not match ${expect}`,
  dropped: '(The next directory export lost L1DRT1 and M1DRT2: the guard must hold the removals.)',
  scriptOk: '✓ scripted demonstration passed',
  scriptFailures: (n) => `✗ ${count(n, 'en', { one: 'step', other: 'steps' })} failed`,
};
