package store

// AppendLockKey is the advisory lock a Postgres transaction holds while it
// adds deliveries, for tests that play another replica's transaction.
const AppendLockKey = appendLockKey

// Migrations lists a dialect's migration files in order, with their text,
// for tests that build a store as an older hookmock left it.
func Migrations(dialect string) (names []string, read func(string) ([]byte, error)) {
	return migrationFiles(dialect)
}

// Dollars is a query as the store sends it to Postgres.
func Dollars(q string) string { return (&sqlStore{d: postgresDialect}).q(q) }
