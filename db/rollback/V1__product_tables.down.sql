-- Undoes V1__product_tables.sql. ONLY for a standalone database where this API created users and assets:
-- where the wider product owns these tables, dropping them deletes the product's users and assets.
-- Roll back V2 (and anything newer) first (see docs/ROLLBACK.md).
BEGIN;

DROP TABLE IF EXISTS assets, users;

DELETE FROM assetforge_changelog WHERE version = '1';

COMMIT;
