-- The attempt marked as on the wire: Mark writes this column alone, so the
-- one write before every send leaves the delivery record and the job as they are.
ALTER TABLE work ADD COLUMN sending INTEGER NOT NULL DEFAULT 0;
