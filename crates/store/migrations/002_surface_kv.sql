-- Small per-surface records that must survive restarts: which chat message an engine
-- message id was posted as, long values behind the handles in buttons, modals to open.
-- `kind` names the record type (e.g. "slack.message"), `value` is JSON text.
-- Pruned by updated_at.
CREATE TABLE surface_kv (
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX surface_kv_by_time ON surface_kv (updated_at);
