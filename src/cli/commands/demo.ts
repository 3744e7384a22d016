import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

/** `sluice demo` (not built yet). */
export function register(program: Command): void {
  program
    .command('demo')
    .description('(not built yet)')
    .action(() => {
      throw new SluiceError('E_NOT_BUILT', 'sluice demo is not built yet');
    });
}
