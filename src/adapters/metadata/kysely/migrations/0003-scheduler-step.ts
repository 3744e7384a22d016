/**
 * `sluice_transition_and_queue(changes, pools, now, limit)`: the scheduler's write after a try settles, as one
 * statement (one round trip, one commit) instead of an explicit transaction of five (docs/adr/0019).
 *
 * Inputs: `changes` — a JSON array of compare-and-set transitions `{i, run_id, task_id, from_state, to_state,
 * try_number, next_attempt_at, finished}`; `pools` — pools to queue into; `now`; `limit` — at most this many
 * queued per pool (null: no limit beyond free slots).
 * Effects: applies each transition whose row is in `from_state` (and `try_number`, when given); then, under
 * each pool's advisory lock (taken in name order before anything else, so two schedulers cannot deadlock and
 * the slot count of each statement includes every other scheduler's committed queueing), moves `scheduled`
 * instances to `queued` with the next try number while the pool has free slots: live runs first, then by
 * interval start and priority.
 * Output rows: `(applied = i, ti = null)` per transition that took effect, `(applied = null, ti = row)` per
 * instance queued.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function sluice_transition_and_queue(
      p_changes jsonb, p_pools text[], p_now timestamptz, p_limit int default null
    ) returns table (applied int, ti task_instances)
    language plpgsql volatile as $fn$
    declare
      v_pools text[] := array(select distinct p from unnest(coalesce(p_pools, '{}')) as p order by p);
      v_pool text;
    begin
      foreach v_pool in array v_pools loop
        perform pg_advisory_xact_lock(hashtext('sluice.pool.' || v_pool));
      end loop;

      return query
        update task_instances t
           set state = c.to_state,
               next_attempt_at = c.next_attempt_at,
               ended_at = case when c.finished then p_now else t.ended_at end,
               updated_at = p_now
          from jsonb_to_recordset(coalesce(p_changes, '[]')) as c(
                 i int, run_id text, task_id text, from_state text, to_state text, try_number int,
                 next_attempt_at timestamptz, finished boolean)
         where t.run_id = c.run_id and t.task_id = c.task_id and t.state = c.from_state
           and (c.try_number is null or t.try_number = c.try_number)
        returning c.i, null::task_instances;

      -- Each statement of a volatile function sees a fresh snapshot: the transitions above and every
      -- queueing committed before the lock was granted are counted.
      foreach v_pool in array v_pools loop
        return query
          with cap as (
            select greatest(0, least(
                     coalesce((select p.slots from pools p where p.name = v_pool), 0)
                     - (select count(*) from task_instances o
                         where o.pool = v_pool and o.state in ('queued', 'running')),
                     coalesce(p_limit, 1000000))) as free
          )
          update task_instances t
             set state = 'queued', try_number = t.try_number + 1, queued_at = p_now,
                 worker_id = null, next_attempt_at = null, updated_at = p_now
           where (t.run_id, t.task_id) in (
                   select c.run_id, c.task_id from task_instances c join dag_runs r on r.run_id = c.run_id
                    where c.pool = v_pool and c.state = 'scheduled'
                    -- Live runs first: a backfill's tasks take a slot only when no live task waits for it.
                    order by (r.run_type = 'backfill'), c.interval_start, c.priority
                    limit (select free from cap))
             and t.state = 'scheduled'
          returning null::int, t;
      end loop;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists sluice_transition_and_queue(jsonb, text[], timestamptz, int)`.execute(db);
}
