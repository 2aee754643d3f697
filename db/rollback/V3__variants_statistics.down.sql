-- Undoes V3__variants_statistics.sql: drops the statistics triggers and functions, puts V2's single-column
-- asset_variants indexes back, and removes V3 from Evolve's changelog so a later start re-applies it.
-- No rows are lost, but from here on nothing keeps variant_statistics equal to the variants: re-apply V3
-- (which rebuilds every statistics row) before serving the Variants routes again.
BEGIN;

DROP TRIGGER IF EXISTS asset_variants_statistics_insert ON asset_variants;
DROP TRIGGER IF EXISTS asset_variants_statistics_update ON asset_variants;
DROP TRIGGER IF EXISTS asset_variants_statistics_delete ON asset_variants;
DROP FUNCTION IF EXISTS variant_statistics_follow();
DROP FUNCTION IF EXISTS variant_statistics_refresh(uuid[]);
DROP FUNCTION IF EXISTS variant_statistics_recount(uuid);

DROP INDEX IF EXISTS asset_variants_preset_created_idx;
DROP INDEX IF EXISTS asset_variants_status_created_idx;
DROP INDEX IF EXISTS asset_variants_owner_created_idx;
CREATE INDEX IF NOT EXISTS asset_variants_preset_idx ON asset_variants (preset_id);
CREATE INDEX IF NOT EXISTS asset_variants_generation_status_idx ON asset_variants (generation_status);
CREATE INDEX IF NOT EXISTS asset_variants_owner_idx ON asset_variants (owner_id);

DELETE FROM assetforge_changelog WHERE version = '3';

COMMIT;
