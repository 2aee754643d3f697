-- Tables owned by the wider AssetForge product. This API only needs them as foreign-key targets, so it
-- creates them (columns exactly as in the product's data model) where the product has not already done so.

CREATE TABLE IF NOT EXISTS users (
    id             uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    privy_user_id  varchar(255) NOT NULL UNIQUE,          -- the auth provider's subject (JWT "sub")
    email          varchar(255),
    display_name   varchar(255),
    avatar_url     varchar(512),
    role           varchar(50)  NOT NULL DEFAULT 'member', -- 'admin' sees everything
    settings       jsonb        NOT NULL DEFAULT '{}',
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    last_login_at  timestamptz
);

CREATE TABLE IF NOT EXISTS assets (
    id                 uuid          PRIMARY KEY,
    name               varchar(255)  NOT NULL,
    description        text,
    type               varchar(100)  NOT NULL,
    subtype            varchar(100),
    category           varchar(100),
    owner_id           uuid          NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_base_model      boolean       DEFAULT false,
    is_variant         boolean       DEFAULT false,
    status             varchar(50)   NOT NULL DEFAULT 'draft',
    visibility         varchar(50)   NOT NULL DEFAULT 'private',
    cdn_url            varchar(1024),                     -- exposed as modelUrl
    cdn_thumbnail_url  varchar(1024),                     -- exposed as thumbnailUrl
    metadata           jsonb         NOT NULL DEFAULT '{}',
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now()
);
