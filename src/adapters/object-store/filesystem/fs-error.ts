/**
 * Turns a Node filesystem error into one clear Sluice error line that names the object, so that a full disk
 * or a wrong file mode reads as "what, which object, what to do" instead of a raw errno.
 */
import { ObjectAccessDeniedError } from '../../../core/errors/object-access-denied-error.ts';
import { ObjectNotFoundError } from '../../../core/errors/object-not-found-error.ts';
import { ObjectStoreError } from '../../../core/errors/object-store-error.ts';
import type { SluiceError } from '../../../core/errors/sluice-error.ts';

/**
 * Map `error` raised while doing `action` (e.g. `'write'`) on object `name` in the local bucket at `root`.
 *
 * @example throw fsError(err, 'write', 'landing/orders/a.jsonl', '/home/me/.sluice/bucket')
 */
export function fsError(error: unknown, action: string, name: string, root: string): SluiceError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `local bucket ${root}`;
  switch (code) {
    case 'ENOENT':
      return new ObjectNotFoundError(`${name} in ${where}`, name, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new ObjectAccessDeniedError(
        `permission denied to ${action} ${name} in ${where}: check the owner and mode of that folder`,
        name,
        { cause: error },
      );
    case 'EROFS':
      return new ObjectAccessDeniedError(
        `cannot ${action} ${name}: ${where} is on a read-only filesystem`,
        name,
        { cause: error },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new ObjectStoreError(
        `no space left on device to ${action} ${name} in ${where}: free disk space and retry`,
        name,
        { cause: error },
      );
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new ObjectStoreError(
        `cannot ${action} ${name} in ${where}: a local folder cannot hold an object and a folder of the same ` +
          'name (one of its parent names is an object, or it is a folder); rename one of them',
        name,
        { cause: error },
      );
    case 'ENAMETOOLONG':
      return new ObjectStoreError(
        `cannot ${action} ${name} in ${where}: a segment is longer than the filesystem allows (255 bytes)`,
        name,
        { cause: error },
      );
    case 'EMFILE':
    case 'ENFILE':
      return new ObjectStoreError(
        `cannot ${action} ${name} in ${where}: too many open files; raise the limit (ulimit -n) or lower concurrency`,
        name,
        { cause: error },
      );
    default: {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return new ObjectStoreError(`cannot ${action} ${name} in ${where}: ${reason}`, name, { cause: error });
    }
  }
}
