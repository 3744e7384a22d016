/**
 * Turns Google API errors and failed jobs into one clear `WarehouseError` line naming the table, object or
 * job: not found, permission denied, missing credentials, bad SQL, cancelled.
 */
import { WarehouseError } from '../../../core/errors/warehouse-error.ts';

interface ErrorProto {
  readonly reason?: string;
  readonly message?: string;
  readonly location?: string;
}

/** True when the error is the 409 a jobs.insert gets for a job id that already exists. */
export function isAlreadyExists(error: unknown): boolean {
  const e = error as { code?: number; errors?: ErrorProto[] };
  return e?.code === 409 || (e?.errors ?? []).some((x) => x.reason === 'duplicate');
}

/** True for a 404 of a dataset, table or job lookup. */
export function isNotFound(error: unknown): boolean {
  const e = error as { code?: number; errors?: ErrorProto[] };
  return e?.code === 404 || (e?.errors ?? []).some((x) => x.reason === 'notFound');
}

/**
 * Map an API error or a job's `errorResult` to a `WarehouseError`.
 *
 * @example throw toBigQueryError(e, 'running "-- publish" (job sluice_..._ab12)')
 */
export function toBigQueryError(error: unknown, action: string): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const e = error as { code?: number; message?: string; errors?: ErrorProto[]; reason?: string };
  const reasons = [e?.reason, ...(e?.errors ?? []).map((x) => x.reason)].filter(Boolean) as string[];
  const message = firstLine(e?.errors?.[0]?.message ?? e?.message ?? String(error));
  const make = (code: `E_WAREHOUSE_${string}`, text: string) =>
    new WarehouseError(code, text, { cause: error });

  if (
    /default credentials|could not load the default|invalid_grant|unauthorized_client|invalid_client/i.test(
      message,
    )
  )
    return make(
      'E_WAREHOUSE_PERMISSION',
      `no usable Google credentials for BigQuery (while ${action}): set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file or run \`gcloud auth application-default login\``,
    );
  if (e?.code === 404 || reasons.includes('notFound'))
    return make(
      'E_WAREHOUSE_NOT_FOUND',
      `BigQuery: ${message} (while ${action}); run \`sluice init\` if a table is missing`,
    );
  if (e?.code === 403 || reasons.includes('accessDenied'))
    return make(
      'E_WAREHOUSE_PERMISSION',
      `BigQuery: ${message} (while ${action}); grant the service account roles/bigquery.jobUser on the project and roles/bigquery.dataEditor on the dataset (and storage.objectViewer on the bucket for loads)`,
    );
  if (reasons.includes('stopped'))
    return make('E_WAREHOUSE_CANCELLED', `BigQuery job cancelled (while ${action})`);
  if (reasons.includes('quotaExceeded') || reasons.includes('rateLimitExceeded'))
    return make('E_WAREHOUSE_QUOTA', `BigQuery: ${message} (while ${action}); retry later`);
  if (reasons.includes('duplicate') || e?.code === 409)
    return make('E_WAREHOUSE_CONFLICT', `BigQuery: ${message} (while ${action})`);
  return make('E_WAREHOUSE_QUERY', `BigQuery: ${message} (while ${action})`);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
