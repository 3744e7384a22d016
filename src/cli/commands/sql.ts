import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice sql` (not built yet). */
export function register(program: Command): void {
  program
    .command('sql')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice sql is not built yet');
    });
}
