import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice runs` (not built yet). */
export function register(program: Command): void {
  program
    .command('runs')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice runs is not built yet');
    });
}
