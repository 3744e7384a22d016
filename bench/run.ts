/**
 * `npm run bench [-- <name> ...] [-- --runs N]`: runs every `bench/<name>.bench.ts` (or the named ones),
 * prints one table of figures with their baselines and targets, and writes `bench/results/<name>.json`
 * with the machine, the commit and every sample (`--json` also prints them all as JSON on stdout).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchFigure, type Benchmark, median } from './bench.ts';

const here = import.meta.dirname;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const unknown = positionals.filter((p) => !available.includes(p));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const selected = positionals.length > 0 ? positionals : available;

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  platform: `${platform()} ${release()} ${arch()}`,
  node: process.version,
};
const commit = gitCommit();
const rows: string[][] = [];
const allResults: unknown[] = [];
mkdirSync(join(here, 'results'), { recursive: true });

for (const name of selected) {
  const mod = (await import(join(here, `${name}.bench.ts`))) as { default: Benchmark };
  const bench = mod.default;
  process.stderr.write(`\n== ${name}: ${bench.description}\n`);
  const started = new Date();
  let figures: BenchFigure[];
  try {
    figures = await bench.run({ runs, log: (line) => process.stderr.write(`   ${line}\n`) });
  } catch (error) {
    process.stderr.write(`   FAILED: ${(error as Error).stack}\n`);
    rows.push([name, 'FAILED', '', '', '', '', (error as Error).message.slice(0, 60)]);
    process.exitCode = 1;
    continue;
  }
  const result = {
    name,
    description: bench.description,
    date: started.toISOString(),
    commit,
    machine,
    runs,
    figures: figures.map((f) => summarize(f)),
  };
  allResults.push(result);
  writeFileSync(join(here, 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  for (const f of result.figures) {
    rows.push([
      name,
      f.name,
      `${fmt(f.value)} ${f.unit}`,
      f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '',
      f.ratio === undefined ? '' : `${fmt(f.ratio)}x`,
      f.target ? `${f.target.op} ${fmt(f.target.value)} ${f.unit}` : '',
      f.target ? (f.meetsTarget ? 'met' : 'MISSED') : '',
    ]);
  }
}

if (values.json) console.log(JSON.stringify(allResults, null, 2));
printTable(['benchmark', 'figure', 'median', 'baseline', 'ratio', 'target', ''], rows);
console.log(
  `\nmachine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, node ${machine.node}; commit ${commit}`,
);
console.log(`results: ${join('bench', 'results')}/<name>.json`);

function summarize(f: BenchFigure) {
  const value = median(f.samples);
  const baseline = f.baseline
    ? { name: f.baseline.name, value: median(f.baseline.samples), samples: f.baseline.samples }
    : undefined;
  const ratio = baseline && baseline.value !== 0 ? value / baseline.value : undefined;
  const lower = f.lowerIsBetter !== false;
  const meetsTarget = f.target
    ? f.target.op === '<'
      ? value < f.target.value
      : value > f.target.value
    : undefined;
  return {
    name: f.name,
    unit: f.unit,
    value,
    samples: f.samples,
    lowerIsBetter: lower,
    baseline,
    ratio,
    target: f.target,
    meetsTarget,
    note: f.note,
  };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of body) console.log(line(r));
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
