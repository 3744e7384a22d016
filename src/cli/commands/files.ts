import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice files` (not built yet). */
export function register(program: Command): void {
  program
    .command('files')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice files is not built yet');
    });
}
