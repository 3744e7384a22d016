import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice run` (not built yet). */
export function register(program: Command): void {
  program
    .command('run')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice run is not built yet');
    });
}
