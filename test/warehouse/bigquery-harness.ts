/**
 * A BigQuery warehouse talking to the fixture server. Auth is bypassed the documented way: the client is given
 * a google-auth-library OAuth2Client holding a fixed, unexpired access token, so it never looks for
 * credentials or calls Google's token endpoint; the server checks the `Bearer fixture-token` header.
 */
import { OAuth2Client } from 'google-auth-library';
import type { BigQueryWarehouseOptions } from '../../src/adapters/warehouse/bigquery/bigquery-config.ts';
import { BigQueryWarehouse } from '../../src/adapters/warehouse/bigquery/bigquery-warehouse.ts';
import { BigQueryFixtureServer, FIXTURE_LOCATION, FIXTURE_PROJECT } from './bigquery-fixture-server.ts';
import type { WarehouseHarness } from './warehouse.contract.ts';

export const FIXTURE_TOKEN = 'fixture-token';

export function fixtureAuthClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({
    access_token: FIXTURE_TOKEN,
    expiry_date: Date.now() + 3_600_000,
    token_type: 'Bearer',
  });
  return client;
}

export function fixtureWarehouse(
  server: BigQueryFixtureServer,
  options: Partial<BigQueryWarehouseOptions> = {},
): BigQueryWarehouse {
  return new BigQueryWarehouse({
    project: FIXTURE_PROJECT,
    dataset: 'ecommerce_data',
    location: FIXTURE_LOCATION,
    apiEndpoint: server.endpoint,
    authClient: fixtureAuthClient(),
    ...options,
  });
}

export interface BigQueryFixtureHarness extends WarehouseHarness {
  readonly server: BigQueryFixtureServer;
}

/** A harness over a fresh fixture server, scripted for the contract scenarios that do not need data. */
export async function makeBigQueryFixtureHarness(): Promise<BigQueryFixtureHarness> {
  const server = await new BigQueryFixtureServer().start();
  server.onQuery({ match: (sql) => sql.includes('AS big'), results: 'query-results-typed.json' });
  server.onQuery({
    match: (sql) => sql.includes('no_such_table'),
    errorResult: notFoundTable('no_such_table'),
  });
  // A seed insert adds the missing rows the first time and finds nothing missing afterwards.
  server.onQuery({
    match: (sql) => sql.includes('UNNEST(@seed)'),
    numDmlAffectedRows: (n) => (n === 1 ? '2' : '0'),
  });
  return {
    server,
    warehouse: fixtureWarehouse(server),
    async putObject(name) {
      return `gs://fixture-bucket/${name}`;
    },
    async readObject() {
      throw new Error('the fixture server holds no objects');
    },
    objectUri(name) {
      return `gs://fixture-bucket/${name}`;
    },
    async cleanup() {
      await server.stop();
    },
  };
}

export function notFoundTable(table: string): object {
  const message = `Not found: Table ${FIXTURE_PROJECT}:ecommerce_data.${table} was not found in location ${FIXTURE_LOCATION}`;
  return { reason: 'notFound', message };
}
