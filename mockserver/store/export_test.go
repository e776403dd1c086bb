package store

// AppendLockKey is the advisory lock a Postgres transaction holds while it
// adds deliveries, for tests that play another replica's transaction.
const AppendLockKey = appendLockKey
