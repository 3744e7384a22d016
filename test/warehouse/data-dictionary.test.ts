import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_DICTIONARY_PATH, renderDataDictionary } from '../../scripts/data-dictionary.ts';
import { allTables } from '../../tables/index.ts';

describe('docs/data-dictionary.md', () => {
  it('is generated from tables/ and up to date (else run: node scripts/data-dictionary.ts)', () => {
    const want = renderDataDictionary(allTables);
    const have = existsSync(DATA_DICTIONARY_PATH) ? readFileSync(DATA_DICTIONARY_PATH, 'utf8') : '';
    expect(have, 'docs/data-dictionary.md is out of date: run `node scripts/data-dictionary.ts`').toBe(want);
  });

  it('documents every table and column with both engines’ types', () => {
    const md = renderDataDictionary(allTables);
    for (const t of allTables) {
      expect(md).toContain(`## ${t.name}`);
      for (const c of t.columns) expect(md).toContain(`| \`${c.name}\` | ${c.type} |`);
    }
    expect(md).toContain('| `unit_price` | decimal | DECIMAL(38,9) | NUMERIC | required |');
    expect(md).toContain('- BigQuery: partitioned by `order_date` (day)');
    expect(md).toContain('| TX | South |');
  });
});
