import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice scheduler` (not built yet). */
export function register(program: Command): void {
  program
    .command('scheduler')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice scheduler is not built yet');
    });
}
