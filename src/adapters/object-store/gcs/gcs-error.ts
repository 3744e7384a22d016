/**
 * Turns a Cloud Storage client error into one clear Sluice error line naming `gs://bucket/object`, so that
 * a missing object, a missing IAM role or absent credentials read as what to fix, not as client internals.
 */
import { ObjectAccessDeniedError } from '../../../core/errors/object-access-denied-error.ts';
import { ObjectNotFoundError } from '../../../core/errors/object-not-found-error.ts';
import { ObjectStoreError } from '../../../core/errors/object-store-error.ts';
import { PreconditionFailedError } from '../../../core/errors/precondition-failed-error.ts';
import { SluiceError } from '../../../core/errors/sluice-error.ts';

/** The HTTP status of a client error (ApiError.code, or a resumable upload's numeric code). */
export function gcsStatus(error: unknown): number | undefined {
  const e = error as { code?: unknown; status?: unknown; response?: { status?: unknown } } | undefined;
  for (const candidate of [e?.code, e?.status, e?.response?.status])
    if (typeof candidate === 'number') return candidate;
  if (typeof e?.code === 'string' && /^\d{3}$/.test(e.code)) return Number(e.code);
  return undefined;
}

/**
 * Map `error` raised while doing `action` (e.g. `'read'`) on `name` in `bucket`.
 *
 * @example throw gcsError(err, 'read', 'my-bucket', 'landing/orders/a.jsonl')
 */
export function gcsError(
  error: unknown,
  action: string,
  bucket: string,
  name: string,
  context: { expectedGeneration?: string } = {},
): SluiceError {
  if (error instanceof SluiceError) return error;
  const location = name === '' ? `gs://${bucket}` : `gs://${bucket}/${name}`;
  const status = gcsStatus(error);
  const text = firstLine(error);
  if (status === 404) {
    if (/bucket/i.test(text) && !/object/i.test(text))
      return new ObjectNotFoundError(
        `${location} (the bucket ${bucket} does not exist; check GCS_BUCKET)`,
        name,
        {
          cause: error,
        },
      );
    return new ObjectNotFoundError(location, name, { cause: error });
  }
  if (status === 412)
    return new PreconditionFailedError(location, name, context.expectedGeneration ?? '(given)', undefined);
  if (status === 401 || status === 403)
    return new ObjectAccessDeniedError(
      `permission denied to ${action} ${location}: grant the service account roles/storage.objectAdmin on ` +
        `bucket ${bucket} (GCS said: ${text})`,
      name,
      { cause: error },
    );
  if (/default credentials|could not load the default|invalid_grant|unauthorized_client/i.test(text))
    return new ObjectAccessDeniedError(
      `no usable Google credentials to ${action} ${location}: set GOOGLE_APPLICATION_CREDENTIALS to a ` +
        'service-account key file, or run gcloud auth application-default login',
      name,
      { cause: error },
    );
  return new ObjectStoreError(
    `cannot ${action} ${location}: ${status ? `HTTP ${status}: ` : ''}${text}`,
    name,
    { cause: error },
  );
}

function firstLine(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // Some client errors carry the whole JSON error body as their message.
  try {
    const parsed = JSON.parse(raw) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message.split('\n')[0]!;
  } catch {}
  return raw.split('\n')[0]!.slice(0, 300);
}
