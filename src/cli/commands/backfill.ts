import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice backfill` (not built yet). */
export function register(program: Command): void {
  program
    .command('backfill')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice backfill is not built yet');
    });
}
