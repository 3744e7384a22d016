import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice worker` (not built yet). */
export function register(program: Command): void {
  program
    .command('worker')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice worker is not built yet');
    });
}
