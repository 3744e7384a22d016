-- Builds:   nothing; clears one batch of the customer snapshot from staging_customers and quarantine_customers.
-- Params:   batch_id (string) - the daily run id.
-- Strategy: script of deletes scoped to the batch, run before the CSV load, so a retry replaces its own rows.
DELETE FROM {{ ref('staging_customers') }} WHERE batch_id = {{ param('batch_id') }};
DELETE FROM {{ ref('quarantine_customers') }} WHERE batch_id = {{ param('batch_id') }};
