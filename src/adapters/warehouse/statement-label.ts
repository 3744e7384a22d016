/**
 * A short, single-line label for a statement in error messages: its first header comment line, or the start
 * of the SQL. Errors name what failed without dumping whole scripts.
 */
export function statementLabel(sql: string): string {
  const header = /^\s*--\s*(.+)$/m.exec(sql);
  const text = header && sql.trimStart().startsWith('--') ? header[1]! : sql.replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
