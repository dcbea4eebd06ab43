-- Chat apps' installations, one per (surface, team): e.g. the Slack app installed in a
-- workspace through OAuth. `sealed` is opaque to the store: the surface encrypts the record
-- (its bot token with it) before it gets here, so no token is ever stored in clear.
-- Never pruned: an installation lasts until the surface deletes it (app uninstalled).
CREATE TABLE installations (
    surface    TEXT    NOT NULL,
    team       TEXT    NOT NULL,
    sealed     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (surface, team)
) WITHOUT ROWID;
