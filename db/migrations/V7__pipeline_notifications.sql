-- Live pipeline events (GET /api/pipelines/{id}/events, GET /api/pipelines/events) are fed by the database itself,
-- so that every writer is covered: this API on any replica, the expiry and retention jobs, an operator's SQL.
-- Each change to a pipeline sends a NOTIFY on channel assetforge_pipelines with a small JSON payload, never the
-- row (payloads stop at 8,000 bytes): {"id", "userId", "version" (the row's xmin, its ETag; null once deleted),
-- "was" (the status before the change; null for an insert)}. Listeners read the current state themselves.
--
-- NOTIFY drops a payload identical to one already queued in the same transaction, so the many writes of one
-- transaction to one pipeline (create with its stages, a stage and its pipeline) reach listeners once.

CREATE FUNCTION assetforge_notify_pipeline() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('assetforge_pipelines',
            json_build_object('id', OLD.id, 'userId', OLD.user_id, 'version', NULL, 'was', OLD.status)::text);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('assetforge_pipelines',
            json_build_object('id', NEW.id, 'userId', NEW.user_id, 'version', NEW.xmin::text::bigint, 'was', NULL)::text);
    ELSE
        PERFORM pg_notify('assetforge_pipelines',
            json_build_object('id', NEW.id, 'userId', NEW.user_id, 'version', NEW.xmin::text::bigint, 'was', OLD.status)::text);
        -- A pipeline handed to another user leaves the old owner's list.
        IF OLD.user_id <> NEW.user_id THEN
            PERFORM pg_notify('assetforge_pipelines',
                json_build_object('id', OLD.id, 'userId', OLD.user_id, 'version', NULL, 'was', OLD.status)::text);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER generation_pipelines_notify AFTER INSERT OR UPDATE OR DELETE ON generation_pipelines
    FOR EACH ROW EXECUTE FUNCTION assetforge_notify_pipeline();

-- A stage write moves its pipeline's row (updated_at, and so xmin: the pipeline's ETag and event id), whoever
-- writes it; the pipeline's trigger then notifies. The API's own stage writes already touch the pipeline in the
-- same transaction (its xmin is this transaction's id), and are left alone rather than written twice.
CREATE FUNCTION assetforge_touch_pipeline_of_stage() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generation_pipelines
    SET updated_at = now()
    WHERE id = COALESCE(NEW.pipeline_id, OLD.pipeline_id)
      AND xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END
$$;

CREATE TRIGGER pipeline_stages_notify AFTER INSERT OR UPDATE OR DELETE ON pipeline_stages
    FOR EACH ROW EXECUTE FUNCTION assetforge_touch_pipeline_of_stage();
