import { SluiceError } from './sluice-error.ts';

/** A table definition in `tables/` that cannot be rendered: the message names the table and the column. */
export class TableDefinitionError extends SluiceError {
  constructor(message: string) {
    super('E_TABLE_INVALID', message);
    this.name = 'TableDefinitionError';
  }
}
