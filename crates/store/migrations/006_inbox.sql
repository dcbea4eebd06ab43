-- Acknowledged inputs waiting to be processed (a Slack event acked before its work, an SNS
-- message): recorded before the ack, processed after it, at least once. A replica claims
-- an item under a lease (`holder`, `lease_until`); if it dies, the lease runs out and
-- another claims it again (`attempts` counts claims). `done_at` is set when processed.
CREATE TABLE inbox (
    id          TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    holder      TEXT,
    lease_until INTEGER,
    done_at     INTEGER
) WITHOUT ROWID;
-- inbox_claim: items not done, oldest first.
CREATE INDEX inbox_todo ON inbox (created_at, id) WHERE done_at IS NULL;
-- prune_inbox: done items by age.
CREATE INDEX inbox_done ON inbox (created_at) WHERE done_at IS NOT NULL;
