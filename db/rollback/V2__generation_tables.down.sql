-- Undoes V2__generation_tables.sql: drops the six generation tables, their four enums and the
-- updated_at trigger function, and removes V2 from Evolve's changelog so a later start re-applies it.
-- Every row in these tables is lost. Roll back newer versions first (see docs/ROLLBACK.md).
BEGIN;

DROP TABLE IF EXISTS error_aggregations, api_errors, variant_statistics, asset_variants,
                     pipeline_stages, generation_pipelines;
DROP TYPE IF EXISTS error_category, error_severity, stage_status, pipeline_status;
DROP FUNCTION IF EXISTS assetforge_touch_updated_at();

DELETE FROM assetforge_changelog WHERE version = '2';

COMMIT;
