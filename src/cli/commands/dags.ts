import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice dags` (not built yet). */
export function register(program: Command): void {
  program
    .command('dags')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice dags is not built yet');
    });
}
