-- Builds:   nothing (read only): the newest hour in agg_hourly_metrics (the default end of the chart window).
-- Params:   none.
-- Strategy: read only, one row.
SELECT MAX(hour_start) AS latest_hour FROM "ecommerce_data"."agg_hourly_metrics"
