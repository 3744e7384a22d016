/**
 * TEMPORARY: an in-memory FileLedger with the port's documented semantics, for the job tests until the
 * metadata store's ledger (PGlite) lands; then the tests switch to the real one.
 */
import type { FileLedger, FileState, LedgerEntry, LineCounts } from '../../src/ports/file-ledger.ts';
import type { ObjectInfo } from '../../src/ports/object-store.ts';

export class MemoryLedger implements FileLedger {
  readonly entries = new Map<string, LedgerEntry>();

  #key(object: string, generation: string): string {
    return `${object}#${generation}`;
  }

  #new(entity: string, o: ObjectInfo, state: FileState, reason: string | null): LedgerEntry {
    return {
      object: o.name,
      generation: o.generation,
      entity,
      size: o.size,
      landedAt: o.createdAt,
      state,
      batchId: null,
      runId: null,
      movedTo: null,
      linesRead: null,
      linesKept: null,
      linesQuarantined: null,
      linesDuplicate: null,
      reason,
      updatedAt: o.createdAt,
    };
  }

  async record(entity: string, objects: readonly ObjectInfo[]): Promise<LedgerEntry[]> {
    const added: LedgerEntry[] = [];
    for (const o of objects) {
      const k = this.#key(o.name, o.generation);
      if (this.entries.has(k)) continue;
      const e = this.#new(entity, o, 'landed', null);
      this.entries.set(k, e);
      added.push(e);
    }
    return added;
  }

  async ignore(entity: string, objects: readonly ObjectInfo[], reason: string): Promise<LedgerEntry[]> {
    const added: LedgerEntry[] = [];
    for (const o of objects) {
      const k = this.#key(o.name, o.generation);
      if (this.entries.has(k)) continue;
      const e = this.#new(entity, o, 'ignored', reason);
      this.entries.set(k, e);
      added.push(e);
    }
    return added;
  }

  async claim(entity: string, batchId: string, runId: string, options?: { landedBefore?: Date }) {
    const out: LedgerEntry[] = [];
    for (const [k, e] of this.entries) {
      if (e.entity !== entity) continue;
      const open = e.state === 'landed' || ((e.state === 'claimed' || e.state === 'loaded') && true);
      if (!open) continue;
      if (options?.landedBefore && e.landedAt >= options.landedBefore) continue;
      const claimed = { ...e, state: 'claimed' as const, batchId, runId };
      this.entries.set(k, claimed);
      out.push(claimed);
    }
    return out;
  }

  async claimed(batchId: string): Promise<LedgerEntry[]> {
    return [...this.entries.values()].filter((e) => e.batchId === batchId);
  }

  async markLoaded(batchId: string, counts: ReadonlyMap<string, LineCounts>): Promise<void> {
    for (const [k, e] of this.entries) {
      const c = counts.get(e.object);
      if (e.batchId !== batchId || !c) continue;
      this.entries.set(k, { ...e, state: 'loaded', ...c });
    }
  }

  async markArchived(object: string, generation: string, movedTo: string): Promise<void> {
    const k = this.#key(object, generation);
    const e = this.entries.get(k);
    if (e) this.entries.set(k, { ...e, state: 'archived', movedTo });
  }

  async reject(object: string, reason: string, movedTo: string): Promise<LedgerEntry> {
    for (const [k, e] of this.entries)
      if (e.object === object) {
        const r = { ...e, state: 'rejected' as const, reason, movedTo };
        this.entries.set(k, r);
        return r;
      }
    throw new Error(`unknown object ${object}`);
  }

  async list(filter: { state?: FileState; entity?: string; batchId?: string; limit?: number } = {}) {
    return [...this.entries.values()].filter(
      (e) =>
        (!filter.state || e.state === filter.state) &&
        (!filter.entity || e.entity === filter.entity) &&
        (!filter.batchId || e.batchId === filter.batchId),
    );
  }

  async landedIn(entity: string, start: Date, end: Date): Promise<LedgerEntry[]> {
    return [...this.entries.values()].filter(
      (e) => e.entity === entity && e.state === 'archived' && e.landedAt >= start && e.landedAt < end,
    );
  }

  /** Test helper: an entry as if an order file landed at `at`. */
  landed(entity: string, name: string, at: Date, state: FileState = 'archived'): void {
    const e = this.#new(
      entity,
      { name, size: 10, generation: '1', createdAt: at, updatedAt: at },
      state,
      null,
    );
    this.entries.set(this.#key(name, '1'), e);
  }
}
