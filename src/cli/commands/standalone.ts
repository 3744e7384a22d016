import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice standalone` (not built yet). */
export function register(program: Command): void {
  program
    .command('standalone')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice standalone is not built yet');
    });
}
