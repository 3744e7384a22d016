/**
 * Compiles Sluice's configuration once: defaults < `sluice.config.ts` (optional, in the project folder) <
 * environment < CLI flags. Validation names the bad key and where it came from; the result is frozen.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { ConfigError } from '../core/errors/config-error.ts';

/** Every environment key Sluice reads, with its meaning. docker-compose files are tested against this list. */
export const ENV_KEYS = {
  SLUICE_HOME: 'embedded data dir: meta/ (PGlite), warehouse.duckdb, bucket/, logs (default ./.sluice)',
  SLUICE_PROJECT_DIR: 'folder holding dags/ jobs/ sql/ quality/ tables/ (default: current directory)',
  SLUICE_WAREHOUSE: 'duckdb | bigquery (default duckdb)',
  SLUICE_STORAGE: 'local | gcs (default local)',
  SLUICE_EXECUTOR: 'local | bullmq (default local)',
  SLUICE_METADATA_URL: 'postgres://... for Postgres (default: PGlite in $SLUICE_HOME/meta)',
  SLUICE_CONCURRENCY:
    'tries run at once: by this process with the local executor; per queue (= pool) by each `sluice worker` ' +
    'with bullmq, so a worker on default,warehouse runs up to twice this (default 4)',
  SLUICE_HEARTBEAT_INTERVAL:
    'how often a worker (or the standalone process) records in the metadata DB that it is alive, e.g. 5s (default 5s)',
  SLUICE_ZOMBIE_THRESHOLD:
    'a worker silent this long is dead and its running tries are retried, e.g. 60s ' +
    '(default 60s; at least 3x SLUICE_HEARTBEAT_INTERVAL)',
  SLUICE_DAG_RELOAD_INTERVAL:
    'how often the scheduler and workers look for changed files in dags/, e.g. 30s; 0 = only at start and ' +
    'on SIGHUP (default 30s)',
  SLUICE_DUCKDB_MEMORY_LIMIT: 'DuckDB memory_limit, e.g. 4GB (default: DuckDB default)',
  SLUICE_DUCKDB_THREADS: 'DuckDB threads (default: number of cores)',
  SLUICE_DUCKDB_BLOCK_ALLOCATOR_MEMORY:
    'memory DuckDB keeps for its blocks while the warehouse is open, e.g. 1GB; 0B = none (default 1GB)',
  SLUICE_WEB_HOST: 'address the web server binds (default 127.0.0.1)',
  SLUICE_WEB_PORT: 'port of the web server (default 8080)',
  SLUICE_WEB_TOKEN: 'bearer token for the web UI and API; required when binding beyond loopback',
  SLUICE_LOG_LEVEL: 'debug | info | warn | error (default info)',
  REDIS_URL: 'BullMQ connection (default redis://127.0.0.1:6379)',
  SLUICE_QUEUE_PREFIX: 'BullMQ key prefix (default sluice)',
  GCP_PROJECT: 'Google Cloud project for BigQuery and GCS',
  BQ_DATASET: 'BigQuery dataset / DuckDB schema holding the pipeline tables (default ecommerce_data)',
  BQ_LOCATION: 'BigQuery location, e.g. US or europe-west1',
  GCS_BUCKET: 'GCS bucket of the landing zone, archive and reports',
  GOOGLE_APPLICATION_CREDENTIALS:
    'service-account key file for BigQuery and GCS (read by the Google clients)',
} as const;

export type EnvKey = keyof typeof ENV_KEYS;

/** The zombie threshold must cover at least this many heartbeat intervals. */
export const ZOMBIE_HEARTBEATS = 3;

const schema = z
  .object({
    home: z.string().min(1),
    projectDir: z.string().min(1),
    dataset: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']),
    warehouse: z.object({
      kind: z.enum(['duckdb', 'bigquery']),
      duckdb: z.object({
        path: z.string().min(1),
        memoryLimit: z.string().optional(),
        threads: z.number().int().positive().optional(),
        // An absolute size only: DuckDB 1.5 aborts the process on some other forms (a percentage).
        blockAllocatorMemory: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 512MB or 1GB')
          .optional(),
      }),
      bigquery: z.object({
        project: z.string().optional(),
        location: z.string().optional(),
      }),
    }),
    storage: z.object({
      kind: z.enum(['local', 'gcs']),
      localRoot: z.string().min(1),
      gcsBucket: z.string().optional(),
      gcsProject: z.string().optional(),
    }),
    executor: z.object({
      kind: z.enum(['local', 'bullmq']),
      concurrency: z.number().int().positive(),
    }),
    metadata: z.object({
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
        .optional(),
      pgliteDir: z.string().min(1),
    }),
    redis: z.object({ url: z.string().min(1), prefix: z.string().min(1) }),
    engine: z.object({
      heartbeatIntervalMs: z.number().int().min(100, 'at least 100ms'),
      zombieThresholdMs: z.number().int().positive(),
      dagReloadIntervalMs: z.number().int().min(0),
    }),
    web: z.object({
      host: z.string().min(1),
      port: z.number().int().min(0).max(65535),
      token: z.string().min(8, 'use at least 8 characters').optional(),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.warehouse.kind === 'bigquery' && !c.warehouse.bigquery.project) {
      ctx.addIssue({
        code: 'custom',
        path: ['warehouse', 'bigquery', 'project'],
        message: 'GCP_PROJECT is required with SLUICE_WAREHOUSE=bigquery',
      });
    }
    // A worker that misses a heartbeat or two (a long GC, a slow metadata DB) is not dead yet.
    if (c.engine.zombieThresholdMs < ZOMBIE_HEARTBEATS * c.engine.heartbeatIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['engine', 'zombieThresholdMs'],
        message:
          `the zombie threshold (${formatDuration(c.engine.zombieThresholdMs)}) must be at least ${ZOMBIE_HEARTBEATS}x ` +
          `the heartbeat interval (${formatDuration(c.engine.heartbeatIntervalMs)}); raise SLUICE_ZOMBIE_THRESHOLD ` +
          'or lower SLUICE_HEARTBEAT_INTERVAL',
      });
    }
    if (c.storage.kind === 'gcs' && !c.storage.gcsBucket) {
      ctx.addIssue({
        code: 'custom',
        path: ['storage', 'gcsBucket'],
        message: 'GCS_BUCKET is required with SLUICE_STORAGE=gcs',
      });
    }
  });

/** The compiled, frozen configuration every process starts from. */
export type SluiceConfig = z.infer<typeof schema>;

/** Deep-partial overrides, as written in `sluice.config.ts` (default export) or built from CLI flags. */
export type ConfigOverrides = { [K in keyof SluiceConfig]?: Partial<SluiceConfig[K]> | SluiceConfig[K] };

export interface LoadConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** From CLI flags; highest precedence. */
  readonly flags?: ConfigOverrides;
  /** Skip importing `sluice.config.ts` (tests). */
  readonly ignoreConfigFile?: boolean;
}

/**
 * Build the configuration.
 *
 * @example const config = await loadConfig({ env: process.env, flags: { web: { port: 9090 } } })
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<SluiceConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const projectDir = resolve(cwd, env.SLUICE_PROJECT_DIR ?? '.');
  const fileOverrides = options.ignoreConfigFile ? {} : await readConfigFile(projectDir);
  return compileConfig({ env, cwd, projectDir, fileOverrides, flags: options.flags ?? {} });
}

/** The synchronous part of `loadConfig`, for callers that already hold the overrides. */
export function compileConfig(input: {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  projectDir: string;
  fileOverrides: ConfigOverrides;
  flags: ConfigOverrides;
}): SluiceConfig {
  const { env, cwd, projectDir } = input;
  const homeRaw = input.flags.home ?? env.SLUICE_HOME ?? input.fileOverrides.home ?? '.sluice';
  const home = isAbsolute(String(homeRaw)) ? String(homeRaw) : resolve(cwd, String(homeRaw));

  const defaults: SluiceConfig = {
    home,
    projectDir,
    dataset: 'ecommerce_data',
    logLevel: 'info',
    warehouse: {
      kind: 'duckdb',
      duckdb: { path: join(home, 'warehouse.duckdb'), blockAllocatorMemory: '1GB' },
      bigquery: {},
    },
    storage: { kind: 'local', localRoot: join(home, 'bucket') },
    executor: { kind: 'local', concurrency: 4 },
    metadata: { pgliteDir: join(home, 'meta') },
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'sluice' },
    web: { host: '127.0.0.1', port: 8080 },
    engine: { heartbeatIntervalMs: 5_000, zombieThresholdMs: 60_000, dagReloadIntervalMs: 30_000 },
  };

  const fromEnv: ConfigOverrides = {
    dataset: env.BQ_DATASET,
    logLevel: env.SLUICE_LOG_LEVEL as SluiceConfig['logLevel'] | undefined,
    warehouse: {
      kind: env.SLUICE_WAREHOUSE as 'duckdb' | 'bigquery' | undefined,
      duckdb: {
        path: join(home, 'warehouse.duckdb'),
        memoryLimit: env.SLUICE_DUCKDB_MEMORY_LIMIT,
        threads: envInt(env, 'SLUICE_DUCKDB_THREADS'),
        blockAllocatorMemory: env.SLUICE_DUCKDB_BLOCK_ALLOCATOR_MEMORY,
      },
      bigquery: { project: env.GCP_PROJECT, location: env.BQ_LOCATION },
    },
    storage: {
      kind: env.SLUICE_STORAGE as 'local' | 'gcs' | undefined,
      gcsBucket: env.GCS_BUCKET,
      gcsProject: env.GCP_PROJECT,
    },
    executor: {
      kind: env.SLUICE_EXECUTOR as 'local' | 'bullmq' | undefined,
      concurrency: envInt(env, 'SLUICE_CONCURRENCY'),
    },
    metadata: { url: env.SLUICE_METADATA_URL },
    redis: { url: env.REDIS_URL, prefix: env.SLUICE_QUEUE_PREFIX },
    web: { host: env.SLUICE_WEB_HOST, port: envInt(env, 'SLUICE_WEB_PORT'), token: env.SLUICE_WEB_TOKEN },
    engine: {
      heartbeatIntervalMs: envDuration(env, 'SLUICE_HEARTBEAT_INTERVAL'),
      zombieThresholdMs: envDuration(env, 'SLUICE_ZOMBIE_THRESHOLD'),
      dagReloadIntervalMs: envDuration(env, 'SLUICE_DAG_RELOAD_INTERVAL'),
    },
  };

  const merged = [input.fileOverrides, fromEnv, input.flags].reduce<Record<string, unknown>>(
    (acc, layer) => deepMerge(acc, layer as Record<string, unknown>),
    defaults as unknown as Record<string, unknown>,
  );
  merged.home = home;
  merged.projectDir = projectDir;

  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    throw new ConfigError(`invalid configuration at ${key || '(root)'}: ${issue.message}${hintFor(key)}`);
  }
  return deepFreeze(parsed.data);
}

async function readConfigFile(projectDir: string): Promise<ConfigOverrides> {
  const file = join(projectDir, 'sluice.config.ts');
  if (!existsSync(file)) return {};
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: ConfigOverrides };
    return mod.default ?? {};
  } catch (error) {
    throw new ConfigError(`cannot load ${file}: ${(error as Error).message}`);
  }
}

function envInt(env: Readonly<Record<string, string | undefined>>, key: EnvKey): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n))
    throw new ConfigError(`invalid configuration: ${key}=${JSON.stringify(raw)} is not an integer`);
  return n;
}

function envDuration(env: Readonly<Record<string, string | undefined>>, key: EnvKey): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  try {
    return parseDuration(raw);
  } catch {
    throw new ConfigError(
      `invalid configuration: ${key}=${JSON.stringify(raw)} is not a duration; use e.g. 60s, 2m or 500ms`,
    );
  }
}

function hintFor(key: string): string {
  const envByPath: Record<string, EnvKey> = {
    'warehouse.kind': 'SLUICE_WAREHOUSE',
    'storage.kind': 'SLUICE_STORAGE',
    'executor.kind': 'SLUICE_EXECUTOR',
    'metadata.url': 'SLUICE_METADATA_URL',
    'web.token': 'SLUICE_WEB_TOKEN',
    'web.port': 'SLUICE_WEB_PORT',
    dataset: 'BQ_DATASET',
    'engine.heartbeatIntervalMs': 'SLUICE_HEARTBEAT_INTERVAL',
    'engine.zombieThresholdMs': 'SLUICE_ZOMBIE_THRESHOLD',
    'engine.dagReloadIntervalMs': 'SLUICE_DAG_RELOAD_INTERVAL',
    'warehouse.duckdb.blockAllocatorMemory': 'SLUICE_DUCKDB_BLOCK_ALLOCATOR_MEMORY',
  };
  const envKey = envByPath[key];
  return envKey ? ` (set by ${envKey}, a CLI flag or sluice.config.ts)` : '';
}

function deepMerge(base: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(layer ?? {})) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] =
      isPlainObject(v) && isPlainObject(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
