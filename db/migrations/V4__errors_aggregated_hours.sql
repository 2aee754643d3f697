-- Which hours the hourly error aggregation has already computed, so the job can catch up after downtime:
-- every complete hour without a row here is still to do. An hour with no errors gets a row too, or the job
-- would revisit it forever. Rebuilding an hour (POST /api/errors/aggregations/rebuild) refreshes its row.
CREATE TABLE error_aggregation_hours (
    hour_bucket    timestamptz  PRIMARY KEY,
    aggregated_at  timestamptz  NOT NULL DEFAULT now(),
    -- Buckets start on a whole UTC hour (whatever the session's TimeZone); anything else matches no bucket.
    CONSTRAINT error_aggregation_hours_on_the_hour CHECK (mod(extract(epoch FROM hour_bucket), 3600) = 0)
);
