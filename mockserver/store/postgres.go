package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// postgresClaim leases due or expired work; SKIP LOCKED lets replicas claim
// side by side, each row going to exactly one of them.
//
// Taking over another owner's row needs its own lease_until past as well
// as the owner dead. A claim that blocks on a row another replica has just
// claimed re-reads that row's new version (READ COMMITTED), but its NOT
// EXISTS on owners still reads the statement's older snapshot, which may
// predate the new owner's first heartbeat: the row's fresh lease is what
// tells it the row is taken.
const postgresClaim = `UPDATE deliveries SET prev_owner = owner, owner = ?, lease_until = ?
	WHERE seq IN (
		SELECT seq FROM deliveries
		WHERE (owner IS NULL AND due <= ?) OR (owner IS NOT NULL AND COALESCE(lease_until, 0) <= ? AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.owner = deliveries.owner AND o.alive_until > ?))
		ORDER BY due LIMIT ? FOR UPDATE SKIP LOCKED)
	RETURNING id, due, attempt, job, lease_until, prev_owner, sending`

const notifyChannel = "hookmock_work"

// appendLockKey names the transaction-level advisory lock every
// transaction that adds deliveries holds from its first insert to its
// commit (dialect.appendLock). Without it two replicas' (or two writers')
// transactions could commit in the opposite order of their seqs, and a
// reader paging by cursor between the two commits would pass the lower
// one for good.
const appendLockKey = 7236048158

var postgresDialect = dialect{name: "postgres", dollar: true, lock: " FOR UPDATE", claim: postgresClaim,
	appendLock: "SELECT pg_advisory_xact_lock(" + strconv.Itoa(appendLockKey) + ")",
	notify:     "SELECT pg_notify('" + notifyChannel + "', '')", writers: 12, directRenew: true, retryable: pgRetryable, shared: true}

// pgRetryable: deadlock_detected and serialization_failure.
func pgRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// OpenPostgres connects to the database at dsn, applies its migrations,
// and listens for work added by other replicas.
func OpenPostgres(ctx context.Context, dsn string, o Options) (Store, error) {
	where := redact(dsn)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", where, err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(24)
	db.SetMaxIdleConns(24)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", where, err)
	}
	files, read := migrationFiles("postgres")
	if err := migrate(pctx, db, postgresDialect, where, files, read, o.Reset); err != nil {
		db.Close()
		return nil, err
	}
	s := newSQLStore(postgresDialect, where, o, db, db)
	s.hb = stdlib.OpenDB(*cfg)
	s.hb.SetMaxOpenConns(2)
	lctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	s.bg.Add(1)
	go s.listen(lctx, cfg)
	return s, nil
}

// listen turns NOTIFYs from any replica into wake-ups, reconnecting after
// errors. After each (re)connect it wakes once: a NOTIFY may have been
// missed while it was away.
func (s *sqlStore) listen(ctx context.Context, cfg *pgx.ConnConfig) {
	defer s.bg.Done()
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+notifyChannel)
			s.signal()
			for err == nil {
				_, err = conn.WaitForNotification(ctx)
				if err == nil {
					s.signal()
				}
			}
			conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// redact drops the password from a DSN for logs and errors.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
