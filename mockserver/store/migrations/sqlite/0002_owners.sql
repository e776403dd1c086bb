-- A lease belongs to its owner, not to each work row: renewing it is one
-- row, so renewals never contend with the rows being worked on.
CREATE TABLE owners (
	owner       TEXT PRIMARY KEY,
	alive_until INTEGER NOT NULL
);
