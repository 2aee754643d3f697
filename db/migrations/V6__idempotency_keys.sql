-- Idempotency-Key (IETF httpapi idempotency-key draft, Stripe's semantics): one row per caller and key, written in
-- the same transaction as the request's effect, holding what is replayed to a retry with the same key: the
-- status, Location, ETag, content type and body of the first answer. fingerprint is SHA-256 over the method, path
-- and request body, so the same key with another request is told apart (422). Rows live until expires_at
-- (Idempotency:RetentionHours after the first request) and are then removed by the idempotency job.
CREATE TABLE idempotency_keys (
    caller       text        NOT NULL,                       -- 'user:<users.id>' or, for anonymous callers, 'ip:<address>'
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    method       text        NOT NULL,
    path         text        NOT NULL,
    fingerprint  bytea       NOT NULL CHECK (length(fingerprint) = 32),
    status       smallint    NOT NULL,
    location     text,
    etag         text,
    content_type text,
    body         bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
