-- Status-filtered pipeline lists (GET /api/pipelines?status=…) read each requested status's newest rows straight
-- off an index and merge them, instead of walking the caller's (or everyone's) pipelines newest first and
-- filtering: with 400,000 newer pipelines in other statuses that walk took 288 ms for one page of 21.
-- The old (user_id, status) and (status) indexes are leading prefixes of these and go.
CREATE INDEX generation_pipelines_user_status_created_idx
    ON generation_pipelines (user_id, status, created_at DESC, id DESC);
CREATE INDEX generation_pipelines_status_created_idx
    ON generation_pipelines (status, created_at DESC, id DESC);
DROP INDEX generation_pipelines_user_status_idx;
DROP INDEX generation_pipelines_status_idx;
