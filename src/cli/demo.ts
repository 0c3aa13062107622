/** `cohortbot demo`: everything on embedded defaults. The implementation is loaded only when it runs. */
import { Command } from 'commander';

export const DEMO_TEACHER = 'marie.durand@univ-demo.fr';
export const DEMO_SUPPORT = 'claire.moreau@univ-demo.fr';
export const DEMO_ADMIN = 'admin.moodle@univ-demo.fr';

export function demoCommand(): Command {
  return new Command('demo')
    .description('everything on embedded defaults: simulator, sample directory, first sync, endpoints, terminal chat')
    .option('--script', 'run a scripted conversation (search, add, status, why, held-removal approval), print it and exit')
    .option('--as <email>', 'who talks in the terminal chat', DEMO_TEACHER)
    .option('--lang <fr|en>', 'language of the demo and its terminal chat (the scripted conversation is French)', 'fr')
    .option('--json', 'accepted for symmetry')
    .action(async (opts: { script?: boolean; as: string; lang?: string }) => {
      const { runDemo } = await import('./demo-run');
      await runDemo(opts);
    });
}
