-- A delivery's pending work lives in its own row: recording an event and
-- ending it are then one row each, where a work table cost an insert and a
-- delete more per event. due is NULL when the delivery has no work; owner,
-- lease_until and prev_owner are the claim's, as they were on the work row.
ALTER TABLE deliveries ADD COLUMN due BIGINT;
ALTER TABLE deliveries ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN job BYTEA;
ALTER TABLE deliveries ADD COLUMN owner TEXT;
ALTER TABLE deliveries ADD COLUMN prev_owner TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until BIGINT;
ALTER TABLE deliveries ADD COLUMN sending INTEGER NOT NULL DEFAULT 0;
UPDATE deliveries d SET due = w.due, attempt = w.attempt, job = w.job, owner = w.owner,
	prev_owner = w.prev_owner, lease_until = w.lease_until, sending = w.sending
	FROM work w WHERE w.delivery_id = d.id;
DROP TABLE work;
CREATE INDEX deliveries_due ON deliveries (due) WHERE owner IS NULL AND due IS NOT NULL;
CREATE INDEX deliveries_owner ON deliveries (owner) WHERE owner IS NOT NULL;
