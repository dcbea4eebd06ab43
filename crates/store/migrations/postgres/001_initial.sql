-- The PostgreSQL schema, equal in meaning to SQLite's migrations 001-004 (see ../).
-- Times are BIGINT Unix milliseconds. Text ids come from the chat platform and are opaque.
-- Keys that the store sorts by are COLLATE "C": byte order, the same as SQLite's, whatever
-- the database's locale. Values the store promises back byte for byte (surface records,
-- sealed installations) are BYTEA: TEXT cannot hold a NUL character.

-- A command waiting for a parameter or for Run/Cancel. `state` moves only through
-- conditional UPDATEs (see the store's claim_for_run), which is what makes Run exactly-once.
CREATE TABLE pending_commands (
    id             TEXT   NOT NULL PRIMARY KEY,
    workspace      TEXT   NOT NULL,
    channel        TEXT   NOT NULL,
    thread         TEXT,
    user_id        TEXT   NOT NULL,
    command_text   TEXT   NOT NULL,
    call_json      TEXT   NOT NULL,
    state          TEXT   NOT NULL CHECK (state IN ('awaiting_input', 'awaiting_confirmation',
                                                    'running', 'done', 'cancelled', 'expired')),
    awaiting_param TEXT,
    message_id     TEXT,
    account        TEXT,
    region         TEXT,
    role           TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    acted_by       TEXT,
    acted_at       BIGINT,
    outcome        TEXT,
    finished_at    BIGINT,
    CHECK ((state = 'awaiting_input') = (awaiting_param IS NOT NULL))
);
-- list_pending: a user's waiting commands in a channel.
CREATE INDEX pending_by_user ON pending_commands (workspace, channel, user_id, state);
-- expire_due and prune_pending: by state, then time.
CREATE INDEX pending_by_state_expiry ON pending_commands (state, expires_at);

-- What a channel remembers: its default account (with expiry) and last region.
CREATE TABLE channel_state (
    workspace                  TEXT   NOT NULL,
    channel                    TEXT   NOT NULL,
    default_account            TEXT,
    default_account_expires_at BIGINT,
    last_region                TEXT,
    updated_at                 BIGINT NOT NULL,
    PRIMARY KEY (workspace, channel)
);

-- The role a user chose in a channel with `@aws switch-role`.
CREATE TABLE user_roles (
    workspace  TEXT   NOT NULL,
    channel    TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    role       TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (workspace, channel, user_id)
);

-- A channel's aliases; the primary key keeps them sorted by name (bytes) for `alias list`.
CREATE TABLE aliases (
    workspace  TEXT   NOT NULL,
    channel    TEXT   NOT NULL,
    name       TEXT   COLLATE "C" NOT NULL,
    template   TEXT   NOT NULL,
    created_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace, channel, name)
);

-- Append-only audit log; `id` is the sequence number. Two indexes only, to keep appends
-- cheap: by time (exports, since/until) and by channel then time (the usual filter).
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time        BIGINT NOT NULL,
    workspace   TEXT   NOT NULL,
    channel     TEXT   NOT NULL,
    user_id     TEXT   NOT NULL,
    user_name   TEXT,
    account     TEXT,
    region      TEXT,
    role        TEXT,
    command     TEXT   NOT NULL,
    decision    TEXT   NOT NULL,
    reason      TEXT   NOT NULL,
    outcome     TEXT   NOT NULL,
    duration_ms BIGINT
);
CREATE INDEX audit_by_time ON audit_log (time);
CREATE INDEX audit_by_channel_time ON audit_log (channel, time);

-- Event ids already handled, so a retried delivery runs once. Pruned by seen_at.
CREATE TABLE processed_events (
    event_id TEXT   NOT NULL PRIMARY KEY,
    seen_at  BIGINT NOT NULL
);
CREATE INDEX processed_events_by_time ON processed_events (seen_at);

-- Small per-surface records that must survive restarts (see SQLite's 002_surface_kv.sql).
-- `value` is the UTF-8 text as bytes. Pruned by updated_at; take_surface reads it as a
-- queue, oldest written first.
CREATE TABLE surface_kv (
    kind       TEXT   NOT NULL,
    key        TEXT   COLLATE "C" NOT NULL,
    value      BYTEA  NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX surface_kv_by_time ON surface_kv (updated_at);
CREATE INDEX surface_kv_queue ON surface_kv (kind, updated_at, key);

-- Chat apps' installations, one per (surface, team); `sealed` is encrypted by the surface
-- before it gets here. Never pruned.
CREATE TABLE installations (
    surface    TEXT   NOT NULL,
    team       TEXT   COLLATE "C" NOT NULL,
    sealed     BYTEA  NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (surface, team)
);
