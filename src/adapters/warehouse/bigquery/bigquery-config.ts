/**
 * Options of the BigQuery warehouse, compiled from `SluiceConfig` (`GCP_PROJECT`, `BQ_DATASET`, `BQ_LOCATION`).
 */
import type { SluiceConfig } from '../../../config/config.ts';
import { SluiceError } from '../../../core/errors/sluice-error.ts';

export interface BigQueryWarehouseOptions {
  readonly project: string;
  readonly dataset: string;
  /** Location of the dataset and jobs, e.g. `US` or `europe-west1`. */
  readonly location?: string;
  /**
   * Another endpoint than https://bigquery.googleapis.com (tests: the recorded-protocol fixture server).
   * With it, pass `authClient` too: the Google client otherwise looks for credentials.
   */
  readonly apiEndpoint?: string;
  /** A google-auth-library client (tests pass one holding a fixed token); default: application default credentials. */
  readonly authClient?: unknown;
  /** Labels put on every job, besides the task's identity labels. Default `{ app: 'sluice' }`. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * BigQuery options from the compiled configuration.
 *
 * @example bigQueryOptionsFromConfig(config) // { project: 'acme', dataset: 'ecommerce_data', location: 'EU' }
 */
export function bigQueryOptionsFromConfig(config: SluiceConfig): BigQueryWarehouseOptions {
  const { project, location } = config.warehouse.bigquery;
  if (!project) throw new SluiceError('E_CONFIG', 'GCP_PROJECT is required with SLUICE_WAREHOUSE=bigquery');
  return { project, dataset: config.dataset, ...(location ? { location } : {}) };
}
