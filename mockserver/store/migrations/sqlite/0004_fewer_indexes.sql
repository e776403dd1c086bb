-- Filters on event type and event id scan the log in order instead: an
-- index per filter cost every insert more than it saved the rare query.
DROP INDEX deliveries_type;
DROP INDEX deliveries_event;
