/**
 * The `ctx.log` of one try: keeps its lines for the metadata store (flushed in batches and at the end of
 * the try) and echoes them to the process logger.
 */

import type { Clock } from '../ports/clock.ts';
import type { Logger, LogLevel } from '../ports/logger.ts';
import type { LogLine, MetadataStore, TryKey } from '../ports/metadata-store.ts';

const FLUSH_EVERY_LINES = 200;

/** Collects a try's log lines; `flush()` writes them. */
export class TryLogger implements Logger {
  readonly #store: MetadataStore;
  readonly #key: TryKey;
  readonly #clock: Clock;
  readonly #echo: Logger | undefined;
  readonly #fields: Record<string, unknown>;
  readonly #buffer: LogLine[];
  #writing: Promise<void> = Promise.resolve();

  constructor(
    store: MetadataStore,
    key: TryKey,
    clock: Clock,
    echo?: Logger,
    fields: Record<string, unknown> = {},
    buffer: LogLine[] = [],
  ) {
    this.#store = store;
    this.#key = key;
    this.#clock = clock;
    this.#echo = echo;
    this.#fields = fields;
    this.#buffer = buffer;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#add('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#add('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#add('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#add('error', message, fields);
  }

  child(fields: Record<string, unknown>): Logger {
    return new TryLogger(
      this.#store,
      this.#key,
      this.#clock,
      this.#echo,
      { ...this.#fields, ...fields },
      this.#buffer,
    );
  }

  #add(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    const merged = fields || Object.keys(this.#fields).length > 0 ? { ...this.#fields, ...fields } : null;
    this.#buffer.push({ at: this.#clock.now(), level, message: String(message), fields: merged });
    // Job lines are kept per try (`sluice tasks logs`); the process log repeats them at debug level only.
    this.#echo?.debug(message, {
      ...merged,
      level,
      runId: this.#key.runId,
      taskId: this.#key.taskId,
      try: this.#key.tryNumber,
    });
    if (this.#buffer.length >= FLUSH_EVERY_LINES) void this.flush();
  }

  /** Write buffered lines; errors are reported to the process logger, never thrown into the job. */
  flush(): Promise<void> {
    if (this.#buffer.length === 0) return this.#writing;
    const lines = this.#buffer.splice(0);
    this.#writing = this.#writing
      .then(() => this.#store.appendLogs(this.#key, lines))
      .catch((error) =>
        this.#echo?.error('cannot store task log lines', { error: (error as Error).message }),
      );
    return this.#writing;
  }
}
