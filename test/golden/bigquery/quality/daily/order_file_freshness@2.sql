-- Check:    order_file_freshness (warn) on the incremental order pipeline: silences longer than
--           max_gap_minutes between order files landing during the day [interval_start, interval_end).
--           A silence is measured from the previous landing (the last one before the day, if it is within
--           the lookback the job passes, else the start of the day) to the next one (or the end of the day).
-- Params:   interval_start, interval_end (timestamps of the day D), max_gap_minutes (integer),
--           landed_at_0 .. landed_at_<n-1> (timestamps: landing times from the file ledger, from
--           interval_start - max_gap_minutes to interval_end; only timestamps, never file content).
-- Vars:     landing_count (n).
-- Returns:  the failing rows: one per silence, gap_start and gap_end.
WITH landings AS (
  SELECT CAST(@landed_at_0 AS TIMESTAMP) AS landed_at
  UNION ALL
  SELECT CAST(@landed_at_1 AS TIMESTAMP) AS landed_at
  UNION ALL
  SELECT CAST(NULL AS TIMESTAMP) AS landed_at
),
points AS (
  SELECT landed_at AS point_at
  FROM landings
  WHERE landed_at >= CAST(@interval_start AS TIMESTAMP)
    AND landed_at < CAST(@interval_end AS TIMESTAMP)
  UNION ALL
  SELECT COALESCE(MAX(landed_at), CAST(@interval_start AS TIMESTAMP)) AS point_at
  FROM landings
  WHERE landed_at < CAST(@interval_start AS TIMESTAMP)
  UNION ALL
  SELECT CAST(@interval_end AS TIMESTAMP) AS point_at
),
gaps AS (
  SELECT LAG(point_at) OVER (ORDER BY point_at) AS gap_start, point_at AS gap_end
  FROM points
)
SELECT gap_start, gap_end
FROM gaps
WHERE gap_start IS NOT NULL
  AND gap_end > TIMESTAMP_ADD(gap_start, INTERVAL @max_gap_minutes MINUTE)
