-- The first schema: everything the conversation engine persists.
-- Times are INTEGER Unix milliseconds. Text ids come from the chat platform and are opaque.

-- A command waiting for a parameter or for Run/Cancel. `state` moves only through
-- conditional UPDATEs (see the store's claim_for_run), which is what makes Run exactly-once.
CREATE TABLE pending_commands (
    id             TEXT    NOT NULL PRIMARY KEY,
    workspace      TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    thread         TEXT,
    user_id        TEXT    NOT NULL,
    command_text   TEXT    NOT NULL,
    call_json      TEXT    NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('awaiting_input', 'awaiting_confirmation',
                                                     'running', 'done', 'cancelled', 'expired')),
    awaiting_param TEXT,
    message_id     TEXT,
    account        TEXT,
    region         TEXT,
    role           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    acted_by       TEXT,
    acted_at       INTEGER,
    outcome        TEXT,
    finished_at    INTEGER,
    CHECK ((state = 'awaiting_input') = (awaiting_param IS NOT NULL))
);
-- list_pending: a user's waiting commands in a channel.
CREATE INDEX pending_by_user ON pending_commands (workspace, channel, user_id, state);
-- expire_due and prune_pending: by state, then time.
CREATE INDEX pending_by_state_expiry ON pending_commands (state, expires_at);

-- What a channel remembers: its default account (with expiry) and last region.
CREATE TABLE channel_state (
    workspace                  TEXT    NOT NULL,
    channel                    TEXT    NOT NULL,
    default_account            TEXT,
    default_account_expires_at INTEGER,
    last_region                TEXT,
    updated_at                 INTEGER NOT NULL,
    PRIMARY KEY (workspace, channel)
) WITHOUT ROWID;

-- The role a user chose in a channel with `@aws switch-role`.
CREATE TABLE user_roles (
    workspace  TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, channel, user_id)
) WITHOUT ROWID;

-- A channel's aliases; the primary key keeps them sorted by name for `alias list`.
CREATE TABLE aliases (
    workspace  TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    template   TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, channel, name)
) WITHOUT ROWID;

-- Append-only audit log. The rowid is the sequence number. Two indexes only, to keep
-- appends cheap: by time (exports, since/until) and by channel then time (the usual filter).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    time        INTEGER NOT NULL,
    workspace   TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    account     TEXT,
    region      TEXT,
    role        TEXT,
    command     TEXT    NOT NULL,
    decision    TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    duration_ms INTEGER
);
CREATE INDEX audit_by_time ON audit_log (time);
CREATE INDEX audit_by_channel_time ON audit_log (channel, time);

-- Event ids already handled, so a retried delivery runs once. Pruned by seen_at.
CREATE TABLE processed_events (
    event_id TEXT    NOT NULL PRIMARY KEY,
    seen_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX processed_events_by_time ON processed_events (seen_at);
