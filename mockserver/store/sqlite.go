package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	_ "modernc.org/sqlite" // pure Go: CGO_ENABLED=0 builds keep working
)

//go:embed migrations
var migrations embed.FS

func migrationFiles(dir string) ([]string, func(string) ([]byte, error)) {
	names, _ := fs.Glob(migrations, "migrations/"+dir+"/*.sql")
	slices.Sort(names)
	return names, func(n string) ([]byte, error) { return migrations.ReadFile(n) }
}

// sqliteClaim leases due or expired work. SQLite has one writer at a time,
// so the statement alone does what FOR UPDATE SKIP LOCKED does on Postgres.
// Each half has an index of its own (deliveries_due, deliveries_owner).
const sqliteClaim = `UPDATE deliveries SET prev_owner = owner, owner = ?, lease_until = ?
	WHERE seq IN (
		SELECT seq FROM (
			SELECT seq, due FROM deliveries WHERE owner IS NULL AND due <= ?
			UNION ALL
			SELECT seq, due FROM deliveries WHERE owner IS NOT NULL AND COALESCE(lease_until, 0) <= ? AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.owner = deliveries.owner AND o.alive_until > ?)
		) ORDER BY due LIMIT ?)
	RETURNING id, due, attempt, job, lease_until, prev_owner, sending`

// OpenSQLite opens (creating if needed) the SQLite store at path, in WAL
// mode, and applies its migrations.
func OpenSQLite(ctx context.Context, path string, o Options) (Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store sqlite:%s: %w", path, err)
	}
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("store sqlite:%s: %w", path, err)
	}
	st, err := openSQLite(ctx, path, o)
	if err != nil {
		unlock()
		return nil, err
	}
	st.onClosed = func() error { unlock(); return nil }
	return st, nil
}

func openSQLite(ctx context.Context, path string, o Options) (*sqlStore, error) {
	// synchronous=NORMAL in WAL mode: a committed write survives the
	// process dying (kill -9); only an OS crash can lose the last commits.
	const pragmas = "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(OFF)"
	wdb, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store sqlite:%s: %w", path, err)
	}
	// One writer goroutine runs one transaction at a time; the second
	// connection lets a statement be prepared while that transaction holds
	// the first (database/sql then prepares it on the transaction's
	// connection too, once, and keeps both).
	wdb.SetMaxOpenConns(2)
	wdb.SetMaxIdleConns(2)
	wdb.SetConnMaxLifetime(0)
	where := "sqlite:" + path
	files, read := migrationFiles("sqlite")
	if err := migrate(ctx, wdb, sqliteDialect, where, files, read, o.Reset); err != nil {
		wdb.Close()
		return nil, err
	}
	rdb, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store %s: %w", where, err)
	}
	rdb.SetMaxOpenConns(4)
	rdb.SetMaxIdleConns(4)
	return newSQLStore(sqliteDialect, where, o, wdb, rdb), nil
}

var sqliteDialect = dialect{name: "sqlite", claim: sqliteClaim, writers: 1}
