import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice init` (not built yet). */
export function register(program: Command): void {
  program
    .command('init')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice init is not built yet');
    });
}
