import { describe, expect, it } from 'vitest';
import { ENV_KEYS, loadConfig } from '../../src/config/config.ts';

describe('config', () => {
  it('defaults to the embedded stack under ./.sluice', async () => {
    const c = await loadConfig({ env: {}, cwd: '/tmp/p', ignoreConfigFile: true });
    expect(c.home).toBe('/tmp/p/.sluice');
    expect(c.warehouse.kind).toBe('duckdb');
    expect(c.warehouse.duckdb.path).toBe('/tmp/p/.sluice/warehouse.duckdb');
    expect(c.warehouse.duckdb.blockAllocatorMemory).toBe('1GB');
    expect(c.storage).toMatchObject({ kind: 'local', localRoot: '/tmp/p/.sluice/bucket' });
    expect(c.metadata.url).toBeUndefined();
    expect(c.dataset).toBe('ecommerce_data');
    expect(Object.isFrozen(c.web)).toBe(true);
  });

  it('lets flags beat the environment', async () => {
    const c = await loadConfig({
      env: { SLUICE_WEB_PORT: '9000', SLUICE_HOME: '/data' },
      cwd: '/tmp',
      ignoreConfigFile: true,
      flags: { web: { port: 9100 } },
    });
    expect(c.web.port).toBe(9100);
    expect(c.home).toBe('/data');
  });

  it('names the bad key and the variable that set it', async () => {
    await expect(
      loadConfig({ env: { SLUICE_WAREHOUSE: 'snowflake' }, ignoreConfigFile: true }),
    ).rejects.toThrow(/warehouse\.kind.*SLUICE_WAREHOUSE/);
    await expect(loadConfig({ env: { SLUICE_WEB_PORT: 'eighty' }, ignoreConfigFile: true })).rejects.toThrow(
      /SLUICE_WEB_PORT="eighty" is not an integer/,
    );
    await expect(
      loadConfig({ env: { SLUICE_WAREHOUSE: 'bigquery' }, ignoreConfigFile: true }),
    ).rejects.toThrow(/GCP_PROJECT is required/);
    // DuckDB 1.5 aborts the whole process on a percentage here, so only absolute sizes get through.
    await expect(
      loadConfig({ env: { SLUICE_DUCKDB_BLOCK_ALLOCATOR_MEMORY: '50%' }, ignoreConfigFile: true }),
    ).rejects.toThrow(
      /blockAllocatorMemory.*a size such as 512MB or 1GB.*SLUICE_DUCKDB_BLOCK_ALLOCATOR_MEMORY/,
    );
  });

  it('documents every environment key it reads', () => {
    expect(Object.keys(ENV_KEYS)).toContain('SLUICE_METADATA_URL');
    expect(Object.keys(ENV_KEYS)).toContain('REDIS_URL');
  });
});
