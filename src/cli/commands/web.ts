import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice web` (not built yet). */
export function register(program: Command): void {
  program
    .command('web')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice web is not built yet');
    });
}
