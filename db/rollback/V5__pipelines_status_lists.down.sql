-- Undoes V5__pipelines_status_lists.sql: puts V2's (user_id, status) and (status) indexes back in place of the
-- status-ordered ones, and removes V5 from Evolve's changelog. No rows change; status-filtered lists get slower.
BEGIN;

CREATE INDEX IF NOT EXISTS generation_pipelines_user_status_idx ON generation_pipelines (user_id, status);
CREATE INDEX IF NOT EXISTS generation_pipelines_status_idx ON generation_pipelines (status);
DROP INDEX IF EXISTS generation_pipelines_user_status_created_idx;
DROP INDEX IF EXISTS generation_pipelines_status_created_idx;

DELETE FROM assetforge_changelog WHERE version = '5';

COMMIT;
