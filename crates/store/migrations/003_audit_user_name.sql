-- The asker's display name beside their platform id (Slack's users.info), so the audit log
-- reads as people do; NULL when the surface does not know it.
ALTER TABLE audit_log ADD COLUMN user_name TEXT;
