-- Variant statistics that always equal a recount of the variants, whoever changes asset_variants: this API,
-- ON DELETE CASCADE when the product deletes a variant asset or a user, or an operator in psql. The old service
-- counted in application code (defect 4: active counted only when told, completed/failed never followed a status
-- change, read-modify-write races); here every statement that changes asset_variants refreshes the statistics of
-- the base assets it touched, in the same transaction, under a per-base-asset row lock:
--   1. lock the base asset's variant_statistics row (created first when missing), in base_asset_id order;
--   2. only then recount: under READ COMMITTED each statement of a PL/pgSQL function takes a fresh snapshot, so a
--      recount that starts after the lock sees every variant change committed by the transactions that held it
--      before us, plus our own. Whichever transaction commits last has recounted last, so no update is lost.
-- Reading the statistics stays one row; a write costs a recount of one base asset's variants (an index range).

-- What "a recount" means, in one place: the trigger, the admin recalculate route and the tests all use it.
-- last_variant_completed is the newest completion among variants that are completed now: a completed variant
-- that is deleted or moves back to pending/processing/failed no longer counts.
CREATE FUNCTION variant_statistics_recount(base uuid)
RETURNS TABLE (total_variants integer, completed_variants integer, failed_variants integer, active_variants integer,
               last_variant_created timestamptz, last_variant_completed timestamptz)
LANGUAGE sql STABLE
AS $$
    SELECT count(*)::integer,
           (count(*) FILTER (WHERE v.generation_status = 'completed'))::integer,
           (count(*) FILTER (WHERE v.generation_status = 'failed'))::integer,
           (count(*) FILTER (WHERE v.is_active))::integer,
           max(v.created_at),
           max(v.completed_at) FILTER (WHERE v.generation_status = 'completed')
    FROM asset_variants v
    WHERE v.base_asset_id = base
$$;

-- Lock, then recount, the statistics rows of the given base assets (those that still exist: when a base asset is
-- deleted its variants and its statistics row go by cascade, and nothing may re-create the row). Returns how many
-- rows it rebuilt. The admin recalculate route calls it directly.
CREATE FUNCTION variant_statistics_refresh(bases uuid[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    refreshed integer;
BEGIN
    -- Racing first variants of one asset: the second insert waits for the first and then does nothing.
    INSERT INTO variant_statistics (base_asset_id)
    SELECT a.id FROM assets a WHERE a.id = ANY (bases) ORDER BY a.id
    ON CONFLICT (base_asset_id) DO NOTHING;

    -- The per-base-asset lock, held until commit; id order, so two multi-asset statements cannot deadlock.
    PERFORM FROM variant_statistics s WHERE s.base_asset_id = ANY (bases) ORDER BY s.base_asset_id FOR NO KEY UPDATE;

    -- A new statement, so a new snapshot: taken after the lock was granted.
    UPDATE variant_statistics s
    SET (total_variants, completed_variants, failed_variants, active_variants, last_variant_created, last_variant_completed) =
        (SELECT * FROM variant_statistics_recount(s.base_asset_id))
    WHERE s.base_asset_id = ANY (bases);
    GET DIAGNOSTICS refreshed = ROW_COUNT;
    RETURN refreshed;
END
$$;

-- Statement-level, so a statement touching many variants (a cascade, a reorder) recounts each base asset once.
CREATE FUNCTION variant_statistics_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bases uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT n.base_asset_id) INTO bases FROM new_variants n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT o.base_asset_id) INTO bases FROM old_variants o;
    ELSE
        -- Only changes to what the statistics count: display order, metadata, prompts and task ids cost nothing.
        SELECT array_agg(DISTINCT b.id) INTO bases
        FROM old_variants o FULL JOIN new_variants n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES (o.base_asset_id), (n.base_asset_id)) AS b (id)
        WHERE b.id IS NOT NULL
          AND (o.base_asset_id, o.generation_status, o.is_active, o.created_at, o.completed_at)
              IS DISTINCT FROM (n.base_asset_id, n.generation_status, n.is_active, n.created_at, n.completed_at);
    END IF;
    IF bases IS NOT NULL THEN
        PERFORM variant_statistics_refresh(bases);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER asset_variants_statistics_insert AFTER INSERT ON asset_variants
    REFERENCING NEW TABLE AS new_variants
    FOR EACH STATEMENT EXECUTE FUNCTION variant_statistics_follow();
CREATE TRIGGER asset_variants_statistics_update AFTER UPDATE ON asset_variants
    REFERENCING OLD TABLE AS old_variants NEW TABLE AS new_variants
    FOR EACH STATEMENT EXECUTE FUNCTION variant_statistics_follow();
CREATE TRIGGER asset_variants_statistics_delete AFTER DELETE ON asset_variants
    REFERENCING OLD TABLE AS old_variants
    FOR EACH STATEMENT EXECUTE FUNCTION variant_statistics_follow();

-- Rows carried over from the old service (or written before this migration) are rebuilt once, here.
INSERT INTO variant_statistics (base_asset_id)
SELECT DISTINCT v.base_asset_id FROM asset_variants v
ON CONFLICT (base_asset_id) DO NOTHING;
UPDATE variant_statistics s
SET (total_variants, completed_variants, failed_variants, active_variants, last_variant_created, last_variant_completed) =
    (SELECT * FROM variant_statistics_recount(s.base_asset_id));

-- GET /api/variants pages newest first by (created_at, id) within a preset, a status or (members) an owner:
-- these replace the single-column indexes, which are their leading prefixes.
DROP INDEX asset_variants_preset_idx;
DROP INDEX asset_variants_generation_status_idx;
DROP INDEX asset_variants_owner_idx;
CREATE INDEX asset_variants_preset_created_idx ON asset_variants (preset_id, created_at DESC, id DESC);
CREATE INDEX asset_variants_status_created_idx ON asset_variants (generation_status, created_at DESC, id DESC);
CREATE INDEX asset_variants_owner_created_idx ON asset_variants (owner_id, created_at DESC, id DESC);
