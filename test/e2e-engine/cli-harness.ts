/**
 * Runs the `sluice` CLI as a user does (`node src/cli/main.ts ...`) with SLUICE_HOME in a temp dir and
 * SLUICE_PROJECT_DIR on a fixture project.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../engine/wait-for.ts';
import { freshPgliteDir } from '../metadata/test-stores.ts';

export const ROOT = join(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliHome {
  readonly home: string;
  readonly env: Record<string, string>;
  run(args: readonly string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  spawn(args: readonly string[], extraEnv?: Record<string, string>): ChildProcess & { output: () => string };
  serverUrl(): Promise<string>;
  cleanup(): void;
}

/** A temp SLUICE_HOME whose metadata dir is a copy of a migrated PGlite template (fast first open). */
export async function cliHome(project: string): Promise<CliHome> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  mkdirSync(join(home, 'meta'), { recursive: true });
  await freshPgliteDir(join(home, 'meta'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? home,
    SLUICE_HOME: home,
    SLUICE_PROJECT_DIR: project,
    SLUICE_LOG_LEVEL: 'warn',
  };
  const children: ChildProcess[] = [];
  return {
    home,
    env,
    run(args, extraEnv = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, cwd: home });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => {
          stdout += d;
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    spawn(args, extraEnv = {}) {
      const child = spawn(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, cwd: home });
      let output = '';
      child.stdout?.on('data', (d) => {
        output += d;
      });
      child.stderr?.on('data', (d) => {
        output += d;
      });
      children.push(child);
      return Object.assign(child, { output: () => output });
    },
    async serverUrl() {
      const file = join(home, 'server.json');
      return waitFor(
        () => existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url,
        {
          what: 'server.json',
          timeoutMs: 30_000,
        },
      );
    },
    cleanup() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Resolve when a child process exits. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
