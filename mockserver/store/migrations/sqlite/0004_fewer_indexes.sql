-- Filters on webhook, event type, event id, status and creation time scan the log
-- in order instead: an index per filter cost every write more than it saved
-- the rare query (a commit writes one page per index it touches). Claims of
-- a dead owner's work scan the live work, which is small, without one too.
DROP INDEX deliveries_webhook;
DROP INDEX deliveries_type;
DROP INDEX deliveries_event;
DROP INDEX deliveries_created;
DROP INDEX deliveries_status;
DROP INDEX work_lease;
