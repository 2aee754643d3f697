-- Generation pipelines and stages, asset variants and their statistics, API errors and hourly aggregations.
-- Names and types carry over from the old service (0023_loud_shen.sql); its defects do not:
--   * error_aggregations has a real unique key, NULLS NOT DISTINCT over the whole grouping key, so upserts
--     with NULL endpoints, services or status codes land on one row per bucket;
--   * no index is a leading prefix of another one on the same table (the old user_id, base_asset_id,
--     pipeline_id, severity, created_at and hour_bucket indexes are covered by the composite ones below);
--   * keyset lists order by (created_at, id), so the indexes end in id as the tie-breaker;
--   * updated_at is maintained by a trigger on every UPDATE, whoever issues it.

CREATE TYPE pipeline_status AS ENUM ('initializing', 'processing', 'completed', 'failed', 'cancelled');
CREATE TYPE stage_status    AS ENUM ('pending', 'processing', 'completed', 'failed', 'skipped');
CREATE TYPE error_severity  AS ENUM ('debug', 'info', 'warning', 'error', 'critical');
CREATE TYPE error_category  AS ENUM ('validation', 'authentication', 'authorization', 'external_api',
                                     'database', 'file_system', 'network', 'application', 'unknown');

CREATE FUNCTION assetforge_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- generation_pipelines ---------------------------------------------------------------------------------

CREATE TABLE generation_pipelines (
    id               uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid             NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    asset_id         uuid             REFERENCES assets (id) ON DELETE SET NULL,
    config           jsonb            NOT NULL,
    status           pipeline_status  NOT NULL DEFAULT 'initializing',
    progress         integer          NOT NULL DEFAULT 0,
    current_stage    varchar(100),
    error            text,
    error_stage      varchar(100),
    error_details    jsonb,
    results          jsonb            NOT NULL DEFAULT '{}',
    meshy_task_id    varchar(255),
    rigging_task_id  varchar(255),
    created_at       timestamptz      NOT NULL DEFAULT now(),
    started_at       timestamptz,
    completed_at     timestamptz,
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    expires_at       timestamptz,
    CONSTRAINT generation_pipelines_progress_check CHECK (progress BETWEEN 0 AND 100)
);

-- The caller's list, newest first, keyset on (created_at, id); also serves user_id alone.
CREATE INDEX generation_pipelines_user_created_idx ON generation_pipelines (user_id, created_at DESC, id DESC);
-- The admin list across users.
CREATE INDEX generation_pipelines_created_idx ON generation_pipelines (created_at DESC, id DESC);
CREATE INDEX generation_pipelines_user_status_idx ON generation_pipelines (user_id, status);
CREATE INDEX generation_pipelines_status_idx ON generation_pipelines (status);
CREATE INDEX generation_pipelines_asset_idx ON generation_pipelines (asset_id);
CREATE INDEX generation_pipelines_meshy_task_idx ON generation_pipelines (meshy_task_id);
-- Expiry only ever looks at pipelines that are still running.
CREATE INDEX generation_pipelines_expires_idx ON generation_pipelines (expires_at)
    WHERE status IN ('initializing', 'processing');
-- Retention deletes finished pipelines by completion time.
CREATE INDEX generation_pipelines_completed_idx ON generation_pipelines (completed_at)
    WHERE status IN ('completed', 'failed', 'cancelled');

CREATE TRIGGER generation_pipelines_touch BEFORE UPDATE ON generation_pipelines
    FOR EACH ROW EXECUTE FUNCTION assetforge_touch_updated_at();

-- pipeline_stages --------------------------------------------------------------------------------------

CREATE TABLE pipeline_stages (
    id             uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    pipeline_id    uuid          NOT NULL REFERENCES generation_pipelines (id) ON DELETE CASCADE,
    stage_name     varchar(100)  NOT NULL,
    stage_order    integer       NOT NULL,
    status         stage_status  NOT NULL DEFAULT 'pending',
    progress       integer       NOT NULL DEFAULT 0,
    result         jsonb,
    error          text,
    error_details  jsonb,
    started_at     timestamptz,
    completed_at   timestamptz,
    duration       integer,                                -- milliseconds
    created_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT pipeline_stages_progress_check CHECK (progress BETWEEN 0 AND 100),
    -- A pipeline's stages are one ordered list; this also serves lookups by pipeline_id.
    CONSTRAINT pipeline_stages_pipeline_order_key UNIQUE (pipeline_id, stage_order)
);

CREATE INDEX pipeline_stages_status_idx ON pipeline_stages (status);

CREATE TRIGGER pipeline_stages_touch BEFORE UPDATE ON pipeline_stages
    FOR EACH ROW EXECUTE FUNCTION assetforge_touch_updated_at();

-- asset_variants ---------------------------------------------------------------------------------------

CREATE TABLE asset_variants (
    id                 uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    base_asset_id      uuid          NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    variant_asset_id   uuid          NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    preset_id          varchar(100)  NOT NULL,
    preset_name        varchar(255)  NOT NULL,
    preset_category    varchar(100),
    preset_tier        varchar(50),
    preset_color       varchar(50),
    retexture_task_id  varchar(255),
    generation_status  varchar(50)   NOT NULL DEFAULT 'pending',
    generation_error   text,
    style_prompt       text,
    metadata           jsonb         NOT NULL DEFAULT '{}',
    display_order      integer       NOT NULL DEFAULT 0,
    is_active          boolean       NOT NULL DEFAULT true,
    owner_id           uuid          NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    completed_at       timestamptz,
    CONSTRAINT asset_variants_generation_status_check
        CHECK (generation_status IN ('pending', 'processing', 'completed', 'failed')),
    -- One variant per preset per asset; also serves lookups by base_asset_id.
    CONSTRAINT asset_variants_base_preset_key UNIQUE (base_asset_id, preset_id)
);

-- The gallery: display_order DESC with id as the tie-breaker, read backwards.
CREATE INDEX asset_variants_base_order_idx ON asset_variants (base_asset_id, display_order, id);
CREATE INDEX asset_variants_variant_asset_idx ON asset_variants (variant_asset_id);
CREATE INDEX asset_variants_owner_idx ON asset_variants (owner_id);
CREATE INDEX asset_variants_generation_status_idx ON asset_variants (generation_status);
CREATE INDEX asset_variants_preset_idx ON asset_variants (preset_id);
CREATE INDEX asset_variants_retexture_task_idx ON asset_variants (retexture_task_id);

CREATE TRIGGER asset_variants_touch BEFORE UPDATE ON asset_variants
    FOR EACH ROW EXECUTE FUNCTION assetforge_touch_updated_at();

-- variant_statistics (denormalised, one row per base asset) -------------------------------------------

CREATE TABLE variant_statistics (
    id                      uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    base_asset_id           uuid         NOT NULL UNIQUE REFERENCES assets (id) ON DELETE CASCADE,
    total_variants          integer      NOT NULL DEFAULT 0,
    completed_variants      integer      NOT NULL DEFAULT 0,
    failed_variants         integer      NOT NULL DEFAULT 0,
    active_variants         integer      NOT NULL DEFAULT 0,
    last_variant_created    timestamptz,
    last_variant_completed  timestamptz,
    updated_at              timestamptz  NOT NULL DEFAULT now(),
    -- A negative count can only come from a bookkeeping bug: fail the write instead of storing it.
    CONSTRAINT variant_statistics_counts_check CHECK (
        total_variants >= 0 AND completed_variants >= 0 AND failed_variants >= 0 AND active_variants >= 0)
);

CREATE TRIGGER variant_statistics_touch BEFORE UPDATE ON variant_statistics
    FOR EACH ROW EXECUTE FUNCTION assetforge_touch_updated_at();

-- api_errors -------------------------------------------------------------------------------------------

CREATE TABLE api_errors (
    id                      uuid            PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                 uuid            REFERENCES users (id) ON DELETE SET NULL,
    request_id              varchar(255),
    endpoint                varchar(512)    NOT NULL,
    method                  varchar(10)     NOT NULL,
    error_code              varchar(100),
    error_message           text            NOT NULL,
    error_stack             text,
    severity                error_severity  NOT NULL DEFAULT 'error',
    category                error_category  NOT NULL DEFAULT 'unknown',
    status_code             integer,
    request_body            jsonb,
    request_headers         jsonb,
    response_body           jsonb,
    external_service        varchar(100),
    external_error_code     varchar(100),
    external_error_message  text,
    context                 jsonb           NOT NULL DEFAULT '{}',
    tags                    jsonb           NOT NULL DEFAULT '[]',
    resolved                boolean         NOT NULL DEFAULT false,
    resolved_at             timestamptz,
    resolved_by             uuid            REFERENCES users (id) ON DELETE SET NULL,
    resolution              text,
    ip_address              varchar(45),
    user_agent              varchar(512),
    created_at              timestamptz     NOT NULL DEFAULT now()
);

-- The admin list, newest first, keyset on (created_at, id); also serves time-range statistics.
CREATE INDEX api_errors_created_idx ON api_errors (created_at DESC, id DESC);
-- A member's own list; also serves user_id alone (and SET NULL on user deletion).
CREATE INDEX api_errors_user_created_idx ON api_errors (user_id, created_at DESC, id DESC);
CREATE INDEX api_errors_endpoint_idx ON api_errors (endpoint);
CREATE INDEX api_errors_severity_category_idx ON api_errors (severity, category);
CREATE INDEX api_errors_category_idx ON api_errors (category);
CREATE INDEX api_errors_external_service_idx ON api_errors (external_service);
CREATE INDEX api_errors_resolved_idx ON api_errors (resolved);
CREATE INDEX api_errors_status_code_idx ON api_errors (status_code);
CREATE INDEX api_errors_request_idx ON api_errors (request_id);
-- Deleting a user sets resolved_by to NULL: without this it would scan every error.
CREATE INDEX api_errors_resolved_by_idx ON api_errors (resolved_by) WHERE resolved_by IS NOT NULL;

-- error_aggregations (hourly buckets) ------------------------------------------------------------------

CREATE TABLE error_aggregations (
    id                uuid            PRIMARY KEY DEFAULT gen_random_uuid(),
    hour_bucket       timestamptz     NOT NULL,
    endpoint          varchar(512),
    severity          error_severity,
    category          error_category,
    external_service  varchar(100),
    status_code       integer,
    total_errors      integer         NOT NULL DEFAULT 0,
    unique_users      integer         NOT NULL DEFAULT 0,
    first_occurrence  timestamptz,
    last_occurrence   timestamptz,
    updated_at        timestamptz     NOT NULL DEFAULT now(),
    -- One row per bucket and grouping key, NULLs included; leads with hour_bucket, so it also serves
    -- the time-range reads that the old (hour_bucket) and (hour_bucket, endpoint) indexes did.
    CONSTRAINT error_aggregations_bucket_key UNIQUE NULLS NOT DISTINCT
        (hour_bucket, endpoint, severity, category, external_service, status_code)
);

CREATE INDEX error_aggregations_endpoint_idx ON error_aggregations (endpoint);
CREATE INDEX error_aggregations_severity_idx ON error_aggregations (severity);
CREATE INDEX error_aggregations_category_idx ON error_aggregations (category);
CREATE INDEX error_aggregations_external_service_idx ON error_aggregations (external_service);

CREATE TRIGGER error_aggregations_touch BEFORE UPDATE ON error_aggregations
    FOR EACH ROW EXECUTE FUNCTION assetforge_touch_updated_at();
