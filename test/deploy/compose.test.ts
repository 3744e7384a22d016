/**
 * The deployment files, checked without a Docker engine: docker-compose.yml parses, every Sluice service
 * runs a real `sluice` command with real options (checked against the CLI's own program), every environment
 * key it sets is one the config knows, and the Dockerfile keeps its promises (Node 24, non-root, runtime
 * dependencies only, a health check). Also: everything the CLI imports at run time is a runtime dependency,
 * because the image installs with `npm ci --omit=dev`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/main.ts';
import { ENV_KEYS } from '../../src/config/config.ts';

const root = join(import.meta.dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: unknown;
  environment?: Record<string, string | number> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  container_name?: string;
  stop_grace_period?: string;
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const sluiceServices = Object.entries(services).filter(
  ([, s]) => s.build !== undefined || /sluice/.test(s.image ?? ''),
);

/** Image variables of the stock images compose configures (not Sluice's config). */
const IMAGE_ENV: Record<string, readonly string[]> = {
  postgres: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'],
  redis: [],
};

function envKeys(service: Service): string[] {
  const env = service.environment ?? {};
  return Array.isArray(env) ? env.map((e) => e.split('=')[0]!) : Object.keys(env);
}

/**
 * Resolve `argv` (without `sluice`) against the CLI program: the command path must exist, and every
 * `--option` must be one that command declares. Returns the problems found.
 */
function checkSluiceArgv(argv: readonly string[]): string[] {
  let command: Command = buildProgram();
  let i = 0;
  for (; i < argv.length && !argv[i]!.startsWith('-'); i++) {
    const sub = command.commands.find((c) => c.name() === argv[i] || c.aliases().includes(argv[i]!));
    if (!sub) {
      if (command.commands.length === 0) break; // a positional argument of a leaf command
      return [`unknown command "${argv.slice(0, i + 1).join(' ')}"`];
    }
    command = sub;
  }
  if (command.commands.length > 0 && command.name() !== 'sluice')
    return [`"${argv.join(' ')}" names a command group, not a command`];
  if (command.name() === 'sluice') return [`no command in "${argv.join(' ')}"`];
  const problems: string[] = [];
  for (; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('--')) continue;
    const name = token.split('=')[0]!;
    const option = command.options.find((o) => o.long === name);
    if (!option) {
      problems.push(`sluice ${command.name()} has no option ${name}`);
      continue;
    }
    // An option that takes a value consumes the next token.
    if ((option.required || option.optional) && !token.includes('=')) i++;
  }
  return problems;
}

/** The sluice argv of a health check, if it runs the CLI. */
function sluiceArgvOfHealthcheck(test: string[] | string | undefined): string[] | undefined {
  if (!Array.isArray(test)) return undefined;
  const at = test.findIndex((t) => t.endsWith('src/cli/main.ts') || t === 'sluice');
  return at >= 0 ? test.slice(at + 1) : undefined;
}

describe('docker-compose.yml', () => {
  it('has the services of a distributed deployment', () => {
    for (const name of ['redis', 'postgres', 'init', 'scheduler', 'worker', 'web'])
      expect(Object.keys(services)).toContain(name);
    expect(sluiceServices.map(([n]) => n)).toEqual(
      expect.arrayContaining(['init', 'scheduler', 'worker', 'web']),
    );
  });

  it('runs a real sluice command with real options in every Sluice service and health check', () => {
    const problems: string[] = [];
    for (const [name, service] of sluiceServices) {
      expect(Array.isArray(service.command), `${name}: command as a list`).toBe(true);
      for (const p of checkSluiceArgv(service.command as string[])) problems.push(`${name}: ${p}`);
      const health = sluiceArgvOfHealthcheck(service.healthcheck?.test);
      if (health) for (const p of checkSluiceArgv(health)) problems.push(`${name} healthcheck: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it('catches a command or option the CLI does not have (the check itself works)', () => {
    expect(checkSluiceArgv(['worker', '--queues', 'default'])).toEqual([]);
    expect(checkSluiceArgv(['wokrer'])).toEqual(['unknown command "wokrer"']);
    expect(checkSluiceArgv(['worker', '--queue', 'default'])).toEqual([
      'sluice worker has no option --queue',
    ]);
  });

  it('sets only environment keys the config knows (or the stock images read)', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      const allowed = new Set([...Object.keys(ENV_KEYS), ...(IMAGE_ENV[name] ?? [])]);
      for (const key of envKeys(service)) if (!allowed.has(key)) problems.push(`${name}: ${key}`);
    }
    expect(problems).toEqual([]);
  });

  it('points every Sluice service at the shared Postgres and Redis, with the bullmq executor', () => {
    for (const [name, service] of sluiceServices) {
      const env = service.environment as Record<string, string>;
      expect(env.SLUICE_EXECUTOR, name).toBe('bullmq');
      expect(env.SLUICE_METADATA_URL, name).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(env.REDIS_URL, name).toBe('redis://redis:6379');
      expect(env.SLUICE_HOME, name).toBe('/data');
    }
  });

  it('starts Sluice only after a successful `sluice init`, which waits for a healthy Postgres', () => {
    const init = services.init!;
    expect(init.command).toEqual(['init']);
    expect((init.depends_on as Record<string, { condition: string }>).postgres?.condition).toBe(
      'service_healthy',
    );
    expect(services.postgres!.healthcheck?.test).toBeDefined();
    for (const name of ['scheduler', 'worker', 'web']) {
      const deps = services[name]!.depends_on as Record<string, { condition: string }>;
      expect(deps.init?.condition, name).toBe('service_completed_successfully');
    }
  });

  it('lets the worker scale (no container name, no host port) and gives it time to shut down', () => {
    const worker = services.worker!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.command).toEqual(expect.arrayContaining(['worker', '--queues']));
    expect(worker.stop_grace_period).toBeDefined();
  });

  it('serves the web UI on 8080 with a token, and keeps the bucket on a named volume', () => {
    const web = services.web!;
    expect(web.ports).toContain('8080:8080');
    const env = web.environment as Record<string, string>;
    expect(env.SLUICE_WEB_HOST).toBe('0.0.0.0');
    expect(env.SLUICE_WEB_TOKEN).toMatch(/^\$\{SLUICE_WEB_TOKEN:\?/);
    expect(Object.keys(compose.volumes ?? {})).toContain('bucket');
    for (const [name, service] of sluiceServices.filter(([, s]) => !s.profiles))
      expect(service.volumes, name).toContain('bucket:/data/bucket');
  });

  it('offers a gcp profile with the BigQuery and GCS settings', () => {
    const gcp = sluiceServices.filter(([, s]) => s.profiles?.includes('gcp'));
    expect(gcp.map(([n]) => n).sort()).toEqual(['init-gcp', 'scheduler-gcp', 'web-gcp', 'worker-gcp']);
    for (const [name, service] of gcp) {
      const env = service.environment as Record<string, string>;
      for (const key of [
        'GCP_PROJECT',
        'BQ_DATASET',
        'BQ_LOCATION',
        'GCS_BUCKET',
        'GOOGLE_APPLICATION_CREDENTIALS',
      ])
        expect(Object.keys(env), name).toContain(key);
      expect(env.SLUICE_WAREHOUSE, name).toBe('bigquery');
      expect(env.SLUICE_STORAGE, name).toBe('gcs');
      expect(
        service.volumes?.some((v) => v.endsWith(`:${env.GOOGLE_APPLICATION_CREDENTIALS}:ro`)),
        name,
      ).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => /^[A-Z]+\s/.test(l));

  it('builds on Node 24, installs runtime dependencies only, and runs as a non-root user', () => {
    expect(instructions.find((l) => l.startsWith('FROM '))).toMatch(/^FROM node:24-slim\b/);
    expect(instructions.some((l) => /^RUN .*npm ci --omit=dev/.test(l))).toBe(true);
    const user = instructions.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)\b/);
  });

  it('has a health check and an entrypoint that exists', () => {
    expect(instructions.some((l) => l.startsWith('HEALTHCHECK ') && /healthz/.test(l))).toBe(true);
    const entrypoint = instructions.find((l) => l.startsWith('ENTRYPOINT '));
    const argv = JSON.parse(entrypoint!.slice('ENTRYPOINT '.length)) as string[];
    expect(existsSync(join(root, argv[1]!))).toBe(true);
    const cmd = JSON.parse(instructions.find((l) => l.startsWith('CMD '))!.slice(4)) as string[];
    expect(checkSluiceArgv(cmd)).toEqual([]);
  });

  it('keeps tests, benchmarks, local data and node_modules out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.git', '.sluice', 'test', 'bench'])
      expect(ignored).toContain(entry);
  });
});

/** Folders the CLI loads code from at run time (the image must hold them). */
const RUNTIME_DIRS = ['src', 'dags', 'jobs', 'tables', 'scripts'];

describe('runtime dependencies', () => {
  /** Files the CLI can load at run time: the engine and the pipeline. */
  function sources(dir: string): string[] {
    const abs = join(root, dir);
    if (!existsSync(abs)) return [];
    return readdirSync(abs).flatMap((entry) => {
      const p = join(abs, entry);
      if (statSync(p).isDirectory()) return sources(relative(root, p));
      return p.endsWith('.ts') ? [relative(root, p)] : [];
    });
  }

  it('ships every file the CLI imports: nothing it loads lives in a folder .dockerignore leaves out', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const problems: string[] = [];
    for (const file of RUNTIME_DIRS.flatMap(sources)) {
      if (ignored.some((entry) => file === entry || file.startsWith(`${entry}/`))) continue;
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"](\.[^'"]+)['"]/g)) {
        const target = relative(root, join(root, file, '..', m[1]!));
        const top = target.split('/')[0]!;
        if (ignored.includes(top) || ignored.includes(target)) problems.push(`${file} -> ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares every package the CLI imports at run time in "dependencies" (the image omits dev ones)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    for (const file of RUNTIME_DIRS.flatMap(sources)) {
      const text = readFileSync(join(root, file), 'utf8');
      // Type-only imports are erased at run time, so they may name dev packages (@types/...).
      const runtime = text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm);
      const dynamic = text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g);
      for (const m of [...runtime, ...dynamic]) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(name in pkg.dependencies)) missing.add(`${name} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
