-- Undoes V4__errors_aggregated_hours.sql: drops the record of aggregated hours and removes V4 from Evolve's
-- changelog. The aggregations themselves stay; after re-applying V4 the job re-aggregates every hour within
-- the retention window once (same figures: rerunning an hour replaces its buckets).
BEGIN;

DROP TABLE IF EXISTS error_aggregation_hours;

DELETE FROM assetforge_changelog WHERE version = '4';

COMMIT;
