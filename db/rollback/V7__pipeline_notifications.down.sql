-- Undoes V7__pipeline_notifications.sql: drops the NOTIFY triggers and their functions, and removes V7 from
-- Evolve's changelog. No rows change; event streams then only ever send their first snapshot and heartbeats.
BEGIN;

DROP TRIGGER IF EXISTS pipeline_stages_notify ON pipeline_stages;
DROP TRIGGER IF EXISTS generation_pipelines_notify ON generation_pipelines;
DROP FUNCTION IF EXISTS assetforge_touch_pipeline_of_stage();
DROP FUNCTION IF EXISTS assetforge_notify_pipeline();

DELETE FROM assetforge_changelog WHERE version = '7';

COMMIT;
