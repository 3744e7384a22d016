import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice generate` (not built yet). */
export function register(program: Command): void {
  program
    .command('generate')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice generate is not built yet');
    });
}
