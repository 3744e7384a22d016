import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice tasks` (not built yet). */
export function register(program: Command): void {
  program
    .command('tasks')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice tasks is not built yet');
    });
}
