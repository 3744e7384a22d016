/**
 * The Warehouse contract against real BigQuery (and GCS for the loads and exports), only when credentials
 * and a project are set: GOOGLE_APPLICATION_CREDENTIALS, GCP_PROJECT, and GCS_BUCKET for the data scenarios.
 * Each run uses its own dataset `sluice_test_<random>` (deleted afterwards) and objects under `sluice-test/<random>/`.
 */
import { randomUUID } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import { describe, it } from 'vitest';
import { GcsObjectStore } from '../../src/adapters/object-store/gcs/gcs-object-store.ts';
import { BigQueryWarehouse } from '../../src/adapters/warehouse/bigquery/bigquery-warehouse.ts';
import { warehouseContract } from './warehouse.contract.ts';

const project = process.env.GCP_PROJECT;
const bucket = process.env.GCS_BUCKET;
const live = Boolean(process.env.GOOGLE_APPLICATION_CREDENTIALS && project);

if (!live) {
  describe('BigQuery live', () => {
    it.skip('needs GOOGLE_APPLICATION_CREDENTIALS and GCP_PROJECT (and GCS_BUCKET for loads/exports)', () => {});
  });
  console.info('bigquery-live: skipped (set GOOGLE_APPLICATION_CREDENTIALS and GCP_PROJECT to run it)');
} else {
  warehouseContract(
    'bigquery (live)',
    async () => {
      const run = randomUUID().replace(/-/g, '').slice(0, 12);
      const dataset = `sluice_test_${run}`;
      const location = process.env.BQ_LOCATION;
      const warehouse = new BigQueryWarehouse({
        project: project!,
        dataset,
        ...(location ? { location } : {}),
      });
      const store = bucket ? GcsObjectStore.open({ bucket, projectId: project! }) : undefined;
      const prefix = `sluice-test/${run}/`;
      return {
        warehouse,
        async putObject(name, content) {
          if (!store) throw new Error('set GCS_BUCKET for the load scenarios');
          await store.write(prefix + name, content);
          return store.uri(prefix + name);
        },
        async readObject(uri) {
          if (!store) throw new Error('set GCS_BUCKET for the export scenarios');
          return store.readText(uri.replace(`gs://${bucket}/`, ''));
        },
        objectUri(name) {
          return `gs://${bucket}/${prefix}${name}`;
        },
        async cleanup() {
          await new BigQuery({ projectId: project! })
            .dataset(dataset)
            .delete({ force: true })
            .catch(() => undefined);
          if (store) for await (const o of store.list(prefix)) await store.delete(o.name);
        },
      };
    },
    { data: Boolean(bucket) },
  );
}
