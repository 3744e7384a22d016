/**
 * The composition root: configuration -> adapters -> runtime. Commands ask this module for what they need
 * (an engine runtime, the operations, a task runner for a worker); nothing else names adapters.
 */
import pino from 'pino';
import { openMetadataStore } from '../adapters/metadata/open-metadata-store.ts';
import { openObjectStore } from '../adapters/object-store/open-object-store.ts';
import { closeIdleWarehouses, openWarehouse } from '../adapters/warehouse/open-warehouse.ts';
import { type ConfigOverrides, loadConfig, type SluiceConfig } from '../config/config.ts';
import type { Clock } from '../ports/clock.ts';
import type { TaskHandler } from '../ports/executor.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { Dialect } from '../ports/warehouse.ts';
import { startDagReloads } from '../runtime/dag-reload-loop.ts';
import { loadReloadableDags, type ReloadableDags } from '../runtime/dag-reloader.ts';
import { createJobLoader, type JobSource } from '../runtime/job-loader.ts';
import type { LocalEngineOptions } from '../runtime/local-engine.ts';
import { createOperations, type Operations } from '../runtime/operations.ts';
import { systemClock } from '../runtime/system-clock.ts';
import { createTaskRunner, type SqlTarget, type TryResources } from '../runtime/task-runner.ts';
import { newWorkerId, startWorkerHeartbeat } from '../runtime/worker-heartbeat.ts';
import { createSqlRenderer, type SqlRenderer } from '../sql/sql-renderer.ts';
import { ApiClient } from '../web/api-client.ts';
import { findLiveServer, type ServerInfo } from '../web/server-file.ts';

/**
 * The configuration of this invocation (defaults < sluice.config.ts < environment < flags).
 *
 * @example const config = await cliConfig({ web: { port: 9090 } })
 */
export function cliConfig(flags: ConfigOverrides = {}): Promise<SluiceConfig> {
  return loadConfig({ env: process.env, flags });
}

/**
 * A process logger (pino, JSON lines on stderr) in our Logger shape.
 *
 * @example const logger = createProcessLogger('info')
 */
export function createProcessLogger(
  level: SluiceConfig['logLevel'],
  bindings: Record<string, unknown> = {},
): Logger {
  const base = pino(
    { level, base: { pid: process.pid, ...bindings } },
    pino.destination({ dest: 2, sync: true }),
  );
  const wrap = (p: pino.Logger): Logger => ({
    debug: (m, f) => p.debug(f ?? {}, m),
    info: (m, f) => p.info(f ?? {}, m),
    warn: (m, f) => p.warn(f ?? {}, m),
    error: (m, f) => p.error(f ?? {}, m),
    child: (fields) => wrap(p.child(fields)),
  });
  return wrap(base);
}

/**
 * How long the in-process executor keeps DuckDB open after a try, for the next task of the run: the tasks of
 * a run follow each other within milliseconds, and a warm instance saves each of them the reopen and a cold
 * cache (ADR 0021). Another process that wants the file waits at most this long (its lock retry covers it).
 */
const LOCAL_KEEP_OPEN_MS = 1000;

/** How tries reach the warehouse, the bucket and the SQL templates in this process. */
export function tryResources(config: SluiceConfig): TryResources & { close(): Promise<void> } {
  let objects: Promise<ObjectStore> | undefined;
  const renderers = new Map<Dialect, SqlRenderer>();
  // Workers of the distributed executor share the file with other worker processes: they close at once.
  const keepOpenMs = config.executor.kind === 'local' ? LOCAL_KEEP_OPEN_MS : 0;
  return {
    openWarehouse: () => openWarehouse(config, { keepOpenMs }),
    objectStore: () => {
      objects ??= openObjectStore(config);
      return objects;
    },
    renderSql(name: string, vars: Record<string, unknown> | undefined, target: SqlTarget): string {
      let renderer = renderers.get(target.dialect);
      if (!renderer) {
        renderer = createSqlRenderer({
          projectDir: config.projectDir,
          dialect: target.dialect,
          qualify: target.qualify,
        });
        renderers.set(target.dialect, renderer);
      }
      return renderer.render(name, vars);
    },
    async close() {
      if (objects) await (await objects.catch(() => undefined))?.close();
      await closeIdleWarehouses();
    },
  };
}

export const DEFAULT_POOL_SLOTS = 16;

/**
 * Create the `default` and `warehouse` pools when missing: `warehouse` gets 1 slot on a single-writer
 * warehouse (DuckDB), so tasks that open it never collide. Existing pools keep their slots.
 *
 * @example const created = await ensureDefaultPools(config, store)
 */
export async function ensureDefaultPools(config: SluiceConfig, store: MetadataStore): Promise<string[]> {
  const warehouse = await openWarehouse(config);
  const singleWriter = warehouse.capabilities.singleWriter;
  await warehouse.close();
  return store.ensurePools([
    { name: 'default', slots: DEFAULT_POOL_SLOTS, description: 'tasks without a pool' },
    {
      name: 'warehouse',
      slots: singleWriter ? 1 : DEFAULT_POOL_SLOTS,
      description: singleWriter
        ? 'tasks that open the warehouse (single writer: one at a time)'
        : 'tasks that open the warehouse',
    },
  ]);
}

/** Everything an engine process needs, opened from the configuration. */
export interface EngineRuntime {
  readonly config: SluiceConfig;
  readonly store: MetadataStore;
  /** Reloadable: long-running commands follow edits of dags/ (`startDagReloads`). */
  readonly dags: ReloadableDags;
  readonly jobs: JobSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly resources: TryResources;
  /** Options for `createLocalEngine` / `runInline`. */
  engineOptions(): Omit<LocalEngineOptions, 'scheduler' | 'events'>;
  close(): Promise<void>;
}

/**
 * Open the metadata store (migrated), load the DAGs, and prepare try resources.
 *
 * @example const rt = await openEngineRuntime(config, logger); try { ... } finally { await rt.close() }
 */
export async function openEngineRuntime(config: SluiceConfig, logger: Logger): Promise<EngineRuntime> {
  const store = await openMetadataStore(config);
  const resources = tryResources(config);
  try {
    await ensureDefaultPools(config, store);
    const dags = await loadReloadableDags(config.projectDir, logger);
    const jobs = createJobLoader(config.projectDir);
    return {
      config,
      store,
      dags,
      jobs,
      clock: systemClock,
      logger,
      resources,
      engineOptions: () => ({
        store,
        dags,
        jobs,
        clock: systemClock,
        logger,
        resources,
        concurrency: config.executor.concurrency,
        heartbeatIntervalMs: config.engine.heartbeatIntervalMs,
        zombieThresholdMs: config.engine.zombieThresholdMs,
      }),
      async close() {
        await resources.close();
        await store.close();
      },
    };
  } catch (error) {
    await resources.close();
    await store.close();
    throw error;
  }
}

/** The operations of this CLI invocation: through a live server's API, or on the stores directly. */
export interface CliOperations {
  readonly ops: Operations;
  /** The server used, when the command goes through the API. */
  readonly server: ServerInfo | undefined;
  close(): Promise<void>;
}

/**
 * Reach the engine: the live server of this SLUICE_HOME if any (embedded stores allow one process), else
 * the stores themselves.
 *
 * @example const { ops, close } = await connectOperations(config); try { await ops.listDags() } finally { await close() }
 */
export async function connectOperations(config: SluiceConfig): Promise<CliOperations> {
  const server = await findLiveServer(config.home, config.web.token);
  if (server) return { ops: new ApiClient(server.url, config.web.token), server, close: async () => {} };
  const logger = createProcessLogger('warn');
  const rt = await openEngineRuntime(config, logger);
  return {
    ops: createOperations({ store: rt.store, dags: rt.dags, clock: rt.clock }),
    server: undefined,
    close: () => rt.close(),
  };
}

/**
 * The task runner of a `sluice worker` process (BullMQ): its handler, with the worker registered and
 * heartbeating in the metadata DB; `close()` stops the heartbeat and releases the stores.
 *
 * @example const { handler, close } = await composeTaskRunner(config, logger)
 */
export async function composeTaskRunner(
  config: SluiceConfig,
  logger: Logger,
): Promise<{
  handler: TaskHandler;
  workerId: string;
  /** Re-read dags/ now (SIGHUP); it is also re-read every `engine.dagReloadIntervalMs`. */
  reloadDags(): Promise<void>;
  close(): Promise<void>;
}> {
  const rt = await openEngineRuntime(config, logger);
  for (const error of rt.dags.errors) logger.error(error);
  const workerId = newWorkerId();
  const heartbeat = await startWorkerHeartbeat({
    store: rt.store,
    clock: rt.clock,
    logger,
    workerId,
    kind: 'bullmq',
    intervalMs: config.engine.heartbeatIntervalMs,
  });
  const runner = createTaskRunner({
    store: rt.store,
    dags: rt.dags,
    jobs: rt.jobs,
    clock: rt.clock,
    logger,
    workerId,
    resources: rt.resources,
  });
  // New tasks of an edited DAG must be runnable here too, not only known to the scheduler.
  const reloads = startDagReloads({
    dags: rt.dags,
    intervalMs: config.engine.dagReloadIntervalMs,
    clock: rt.clock,
    logger,
  });
  return {
    handler: runner.handle,
    workerId,
    async reloadDags() {
      await reloads.reloadNow();
    },
    async close() {
      await reloads.stop();
      await heartbeat.stop();
      await rt.close();
    },
  };
}
