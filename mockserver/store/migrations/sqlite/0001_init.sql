-- Times are Unix nanoseconds; docs are the engine's own JSON.
CREATE TABLE webhooks (
	uuid         TEXT PRIMARY KEY,
	state        TEXT NOT NULL,
	failed_count INTEGER NOT NULL,
	last_pushed  INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	doc          BLOB NOT NULL
);
CREATE TABLE deliveries (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT NOT NULL UNIQUE,
	webhook    TEXT NOT NULL,
	event_type TEXT NOT NULL,
	event_id   TEXT NOT NULL,
	status     TEXT NOT NULL,
	terminal   INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	doc        BLOB NOT NULL
);
CREATE INDEX deliveries_webhook ON deliveries (webhook, seq);
CREATE INDEX deliveries_type ON deliveries (event_type, seq);
CREATE INDEX deliveries_event ON deliveries (event_id, seq);
CREATE INDEX deliveries_status ON deliveries (status, seq);
CREATE INDEX deliveries_created ON deliveries (created_at);
CREATE TABLE work (
	delivery_id TEXT PRIMARY KEY,
	due         INTEGER NOT NULL,
	attempt     INTEGER NOT NULL,
	job         BLOB NOT NULL,
	owner       TEXT,
	prev_owner  TEXT,
	lease_until INTEGER
);
CREATE INDEX work_due ON work (due) WHERE owner IS NULL;
CREATE INDEX work_lease ON work (lease_until) WHERE owner IS NOT NULL;
CREATE TABLE docs (
	kind TEXT NOT NULL,
	key  TEXT NOT NULL,
	doc  BLOB NOT NULL,
	PRIMARY KEY (kind, key)
);
CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
