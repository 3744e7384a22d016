/**
 * Renders the pipeline's SQL templates (nunjucks, Jinja-style like dbt) for one dialect: `ref()` for relations,
 * `param()` for bound values, dialect macros by dbt-style dispatch, `<name>.<dialect>.sql` overrides, and
 * strict variables: anything undefined fails with the file, the name and every name searched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import nunjucks from 'nunjucks';
import { allTables } from '../../tables/index.ts';
import { SqlRenderError } from '../core/errors/sql-render-error.ts';
import type { Dialect } from '../ports/warehouse.ts';
import { builtinMacros, macroNames, resolveMacro } from './macro-dispatch.ts';
import type { MacroRegistry } from './macros/macro.ts';

export interface SqlRenderer {
  /** Render `<projectDir>/<name>.sql` (dialect override `<name>.<dialect>.sql` first), e.g. 'sql/orders/publish'. */
  render(name: string, vars?: Record<string, unknown>): string;
}

export interface SqlRendererOptions {
  readonly projectDir: string;
  readonly dialect: Dialect;
  /** What `ref('t')` renders to: the adapter's `Warehouse.qualify`. */
  readonly qualify: (table: string) => string;
  /** Tables `ref()` accepts; defaults to the names in `tables/index.ts`. */
  readonly tables?: readonly string[];
  /** Extra or replacement macro implementations, keyed `<dialect>__<name>` / `default__<name>`. */
  readonly macros?: MacroRegistry;
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEMPLATE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_\-./]*$/;

/**
 * Build a renderer for one project folder and dialect.
 *
 * @example
 * const sql = createSqlRenderer({ projectDir: '.', dialect: 'duckdb', qualify: (t) => `"ecommerce_data"."${t}"` });
 * sql.render('sql/orders/publish', { hours: 2 });
 */
export function createSqlRenderer(options: SqlRendererOptions): SqlRenderer {
  const { projectDir, dialect, qualify } = options;
  const tables = new Set(options.tables ?? allTables.map((t) => t.name));
  const registry: MacroRegistry = { ...builtinMacros, ...options.macros };
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(projectDir, { noCache: true }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });

  // The error raised inside a global during the current render; nunjucks wraps errors into its own
  // TemplateError text, so we keep ours to rethrow it whole with the file and line.
  let pending: SqlRenderError | undefined;
  /** The undefined name behind `pending`, to find its line ourselves (nunjucks' line is approximate). */
  let pendingName: string | undefined;
  let currentVars: readonly string[] = [];
  /** Templates loaded by the current render (the file and what it includes), in load order. */
  let loaded: string[] = [];
  (env as unknown as { on(event: 'load', fn: (name: string) => void): void }).on('load', (loadedName) => {
    loaded.push(loadedName);
  });
  const fail = (message: string): never => {
    pending = new SqlRenderError(message);
    throw pending;
  };
  const guard =
    (fn: (...args: unknown[]) => string) =>
    (...args: unknown[]): string => {
      try {
        return fn(...stripKeywordArgs(args, fail));
      } catch (error) {
        if (error instanceof SqlRenderError) pending = error;
        throw error;
      }
    };

  env.addGlobal(
    'ref',
    guard((table) => {
      if (typeof table !== 'string' || !tables.has(table)) {
        const known = [...tables].sort();
        const hint = typeof table === 'string' ? closest(table, known) : undefined;
        return fail(
          `unknown ref(${JSON.stringify(table)})${hint ? ` (did you mean '${hint}'?)` : ''}: searched the tables of tables/index.ts: ${known.join(', ')}`,
        );
      }
      return qualify(table);
    }),
  );
  env.addGlobal(
    'param',
    guard((name) => {
      if (typeof name !== 'string' || !PARAM_NAME.test(name))
        return fail(`param(${JSON.stringify(name)}): a parameter name is letters, digits and _`);
      return dialect === 'bigquery' ? `@${name}` : `$${name}`;
    }),
  );
  for (const macro of macroNames(registry)) {
    env.addGlobal(
      macro,
      guard((...args) => {
        const { fn, searched } = resolveMacro(macro, dialect, registry);
        if (!fn)
          return fail(`macro ${macro}() has no ${dialect} implementation: searched ${searched.join(', ')}`);
        return fn({ dialect, name: macro }, ...args);
      }),
    );
  }
  // Strict undefined: every name that is neither a variable passed in nor a global fails here, naming what
  // was searched. Nunjucks consults globals only after the render's own variables and loop/set frames.
  const envWithGlobals = env as unknown as { globals: Record<string, unknown> };
  const globals = envWithGlobals.globals;
  envWithGlobals.globals = new Proxy(globals, {
    has: () => true,
    get(target, prop) {
      if (typeof prop !== 'string' || prop in target) return target[prop as string];
      const searched = resolveMacro(prop, dialect, registry).searched;
      pendingName = prop;
      return fail(
        `'${prop}' is not defined: not a variable passed to the template (${
          currentVars.length ? currentVars.join(', ') : 'none were passed'
        }) and not a macro (searched ${searched.join(', ')})`,
      );
    },
  });

  return {
    render(name, vars = {}) {
      const base = name.endsWith('.sql') ? name.slice(0, -4) : name;
      if (!TEMPLATE_NAME.test(base) || base.split('/').includes('..'))
        throw new SqlRenderError(
          `invalid SQL name ${JSON.stringify(name)}: use a path relative to the project, e.g. sql/orders/publish`,
        );
      const candidates = [`${base}.${dialect}.sql`, `${base}.sql`];
      const file = candidates.find((c) => existsSync(join(projectDir, c)));
      if (!file)
        throw new SqlRenderError(
          `no SQL file for ${base} in ${projectDir}: searched ${candidates.join(', ')}`,
        );
      pending = undefined;
      pendingName = undefined;
      loaded = [];
      currentVars = Object.keys(vars).sort();
      try {
        return `${env.render(file, vars).trimEnd()}\n`;
      } catch (error) {
        const own = pending as SqlRenderError | undefined;
        // The template the error happened in: an included file when nunjucks names one.
        const named = /^\(([^)]+\.sql)\)/.exec(String((error as Error)?.message ?? ''))?.[1];
        let inFile = named ? (isAbsolute(named) ? relative(projectDir, named) : named) : file;
        let line = lineOf(error, own !== undefined);
        const name = pendingName as string | undefined;
        if (name) {
          // Nunjucks' line is approximate and names the outer file for includes: find the tag ourselves.
          for (const candidate of [inFile, ...loaded.filter((l) => l !== inFile)]) {
            const found = lineOfName(join(projectDir, candidate), name);
            if (found) {
              inFile = candidate;
              line = found;
              break;
            }
          }
        }
        const where = `${inFile}${line}`;
        if (own) throw new SqlRenderError(`${where}: ${own.message}`, { cause: error });
        throw new SqlRenderError(`${where}: ${templateMessage(error)}`, { cause: error });
      } finally {
        pending = undefined;
        pendingName = undefined;
      }
    },
  };
}

function stripKeywordArgs(args: unknown[], fail: (m: string) => never): unknown[] {
  const last = args[args.length - 1] as { __keywords?: boolean } | undefined;
  if (last && typeof last === 'object' && last.__keywords)
    fail('macros take positional arguments only (no name=value)');
  return args;
}

/**
 * ` line N` (1-based) from a nunjucks error. Nunjucks reports parse errors and undefined output 1-based but
 * errors thrown by a called global (ours) 0-based, hence `thrownByGlobal`.
 */
function lineOf(error: unknown, thrownByGlobal: boolean): string {
  const m = /\[Line (\d+), Column (\d+)\]/.exec(String((error as Error)?.message ?? ''));
  return m ? ` line ${Number(m[1]) + (thrownByGlobal ? 1 : 0)}` : '';
}

/** ` line N` of the first template tag that mentions `name` (header comments excluded), or ''. */
function lineOfName(path: string, name: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  const word = new RegExp(`\\b${name.replace(/[^A-Za-z0-9_]/g, '')}\\b`);
  let inTag = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!inTag && line.trimStart().startsWith('--')) continue;
    // Only text inside {{ }} / {% %} counts: SQL columns may share the name.
    let tagged = '';
    let rest = line;
    while (rest.length) {
      if (inTag) {
        const end = rest.search(/[}%]\}/);
        tagged += end < 0 ? rest : rest.slice(0, end);
        if (end < 0) break;
        rest = rest.slice(end + 2);
        inTag = false;
      } else {
        const start = rest.search(/\{[{%]/);
        if (start < 0) break;
        rest = rest.slice(start + 2);
        inTag = true;
      }
    }
    if (word.test(tagged)) return ` line ${i + 1}`;
  }
  return '';
}

function templateMessage(error: unknown): string {
  const raw = String((error as Error)?.message ?? error);
  const text = raw
    .replace(/^\([^)]*\)\s*/, '')
    .replace(/\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^\s*Error:\s*/, '')
    .trim();
  if (/attempted to output null or undefined value/.test(text))
    return 'outputs an undefined value (a missing variable or attribute); pass it in vars or fix the template';
  return text.split('\n')[0]!;
}

/** The known name closest to `name` (edit distance <= 3), for "did you mean". */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d <= 3 && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
