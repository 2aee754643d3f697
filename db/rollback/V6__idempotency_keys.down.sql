-- Undoes V6__idempotency_keys.sql: drops the stored idempotent responses and removes V6 from Evolve's changelog.
-- Until V6 is re-applied, retries with an Idempotency-Key fail (the API of this version needs the table).
BEGIN;

DROP TABLE IF EXISTS idempotency_keys;

DELETE FROM assetforge_changelog WHERE version = '6';

COMMIT;
