-- Named leases: background work (expiry sweeps, queue polling) runs on one replica at a
-- time, and moves to another when the holder stops renewing. `until` is Unix milliseconds;
-- a lease with `until <= now` is free for anyone.
CREATE TABLE leases (
    name       TEXT    NOT NULL PRIMARY KEY,
    holder     TEXT    NOT NULL,
    until      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
