/**
 * What `execute` needs to know about a script's text without parsing SQL: how many statements it holds
 * (`;` outside strings, quoted identifiers and comments) and whether it may run inside a transaction.
 */

/** Number of non-empty statements in `sql`. */
export function countStatements(sql: string): number {
  return scan(sql).count;
}

/**
 * The script wrapped in BEGIN/COMMIT TRANSACTION: its last top-level `;` (if only comments follow) is
 * dropped and the closing `;` goes on its own line, so a trailing comment cannot swallow it.
 */
export function inTransaction(sql: string): string {
  const { lastSemicolon, lastCode } = scan(sql);
  const body =
    lastSemicolon >= 0 && lastSemicolon >= lastCode
      ? sql.slice(0, lastSemicolon) + sql.slice(lastSemicolon + 1)
      : sql;
  return `BEGIN TRANSACTION;\n${body.trim()}\n;\nCOMMIT TRANSACTION;`;
}

function scan(sql: string): { count: number; lastSemicolon: number; lastCode: number } {
  let count = 0;
  let current = '';
  let lastSemicolon = -1;
  let lastCode = -1;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (ch === '#') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== ch) j += sql[j] === '\\' ? 2 : 1;
      current += 'x';
      lastCode = j;
      i = j + 1;
      continue;
    }
    if (ch === ';') {
      if (current.trim()) count++;
      current = '';
      lastSemicolon = i;
    } else {
      current += ch;
      if (!/\s/.test(ch)) lastCode = i;
    }
    i++;
  }
  if (current.trim()) count++;
  return { count, lastSemicolon, lastCode };
}

/** True when the script may be wrapped in BEGIN/COMMIT TRANSACTION (no DDL, no own transaction control). */
export function canWrapInTransaction(sql: string): boolean {
  return !/\b(BEGIN|COMMIT|ROLLBACK)\b|\b(CREATE|DROP|ALTER|TRUNCATE)\s+(OR\s+REPLACE\s+)?(TABLE|VIEW|SCHEMA|FUNCTION|PROCEDURE|MATERIALIZED)\b/i.test(
    sql.replace(/--.*$/gm, ''),
  );
}
