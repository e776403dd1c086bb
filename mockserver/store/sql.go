package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// dialect is what differs between SQLite and Postgres.
type dialect struct {
	name string
	// dollar placeholders ($1) instead of ?.
	dollar bool
	// lock is appended to a SELECT that reads a row it will update: FOR
	// UPDATE on Postgres; SQLite serialises writers, so nothing there.
	lock string
	// claim selects due or expired work and leases it in one statement.
	claim string
	// notify, when set, tells other processes that work was added.
	notify string
	// writers run batches at once; SQLite has one writer.
	writers int
	// directRenew renews leases outside the write batches, so that a
	// backlog of writes cannot hold a renewal back past the lease.
	directRenew bool
	// shared: other processes may write the store while this one runs.
	shared bool
	// retryable says a failed transaction may succeed if run again
	// (Postgres: deadlock detected, serialization failure).
	retryable func(error) bool
	// appendLock, when set, is run by every transaction before it adds to
	// the log, and held until it commits: transactions that add records
	// commit in the order they took their seqs, so a reader paging by seq
	// never passes a record that commits later with a lower one. SQLite's
	// one writer gives that order by itself.
	appendLock string
}

// sqlStore is the SQLite and Postgres backend. Writes go through writer
// goroutines that commit whatever is waiting in one transaction (group
// commit); each caller returns once its write is durable.
type sqlStore struct {
	d        dialect
	where    string
	o        Options
	wdb, rdb *sql.DB
	// hb, when set, is a pool of its own for lease renewals, so that a
	// busy main pool never holds a heartbeat back past the lease.
	hb  *sql.DB
	ops chan *op
	// appendOps, when the dialect has an appendLock, takes the writes
	// that add to the log (op.appends), for a writer of their own.
	appendOps chan *op
	closeMu   sync.RWMutex
	closed    bool
	writers   sync.WaitGroup
	stmtMu    sync.Mutex
	stmts     map[string]*sql.Stmt
	reads     map[string]*sql.Stmt
	added     atomic.Int64
	wake      chan struct{}
	stop      context.CancelFunc // background work (postgres listener)
	bg        sync.WaitGroup
	onClosed  func() error
}

type op struct {
	ctx  context.Context
	fn   func(tx querier) error
	err  error
	done chan error
	// notify: this op added claimable work.
	notify bool
	// pushed, when set, is a webhook's success, applied once the op's own
	// statements succeeded (see runTx).
	pushed *pushed
	// appends: the op adds records to the log. Under an appendLock such
	// ops have a writer of their own (appendOps): one transaction of a
	// process's at a time can hold the lock anyway, and with the other
	// writes elsewhere it holds the lock for its inserts and commit alone,
	// and never waits on a row with it.
	appends bool
}

// pushed is a success to record against a webhook's breaker.
type pushed struct {
	uuid string
	at   int64
}

// logical is an error of one write that leaves the transaction usable, so
// the rest of its batch still commits.
type logical struct{ err error }

func (l logical) Error() string { return l.err.Error() }
func (l logical) Unwrap() error { return l.err }

func fail(err error) error { return logical{err} }

func unwrapLogical(err error) error {
	// fail's values come back as they were made, never wrapped: a type
	// switch, not errors.As, whose target escapes (an allocation per write).
	if l, ok := err.(logical); ok {
		return l.err
	}
	return err
}

const maxBatch = 256

func newSQLStore(d dialect, where string, o Options, wdb, rdb *sql.DB) *sqlStore {
	s := &sqlStore{d: d, where: where, o: o, wdb: wdb, rdb: rdb, ops: make(chan *op, maxBatch),
		stmts: map[string]*sql.Stmt{}, reads: map[string]*sql.Stmt{}, wake: make(chan struct{}, 1), stop: func() {}}
	for range d.writers {
		s.writers.Add(1)
		go s.writer(s.ops)
	}
	if d.appendLock != "" {
		s.appendOps = make(chan *op, maxBatch)
		s.writers.Add(1)
		go s.writer(s.appendOps)
	}
	return s
}

func (s *sqlStore) Backend() string  { return s.d.name }
func (s *sqlStore) Location() string { return s.where }

func (s *sqlStore) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.ops)
	if s.appendOps != nil {
		close(s.appendOps)
	}
	s.closeMu.Unlock()
	s.writers.Wait()
	s.stop()
	s.bg.Wait()
	for _, st := range s.stmts {
		st.Close()
	}
	for _, st := range s.reads {
		st.Close()
	}
	err := s.wdb.Close()
	if s.hb != nil {
		err = cmp.Or(err, s.hb.Close())
	}
	if s.rdb != s.wdb {
		err = cmp.Or(err, s.rdb.Close())
	}
	if s.onClosed != nil {
		err = cmp.Or(err, s.onClosed())
	}
	return err
}

func (s *sqlStore) Shared() bool { return s.d.shared }

// write runs fn in a transaction shared with other waiting writes.
func (s *sqlStore) write(ctx context.Context, notify bool, fn func(tx querier) error) error {
	return s.run(&op{ctx: ctx, fn: fn, done: make(chan error, 1), notify: notify})
}

func (s *sqlStore) run(o *op) error {
	ctx := o.ctx
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return ErrClosed
	}
	ch := s.ops
	if o.appends && s.appendOps != nil {
		ch = s.appendOps
	}
	select {
	case ch <- o:
	case <-ctx.Done():
		s.closeMu.RUnlock()
		return ctx.Err()
	}
	s.closeMu.RUnlock()
	return <-o.done
}

func (s *sqlStore) writer(ops chan *op) {
	defer s.writers.Done()
	// Whatever is waiting shares the commit. Waiting a moment for more
	// was measured (200 µs once 3 writes were waiting): it batched more but
	// cost serial callers a third of their throughput and gained nothing
	// measurable with 64 concurrent ones, so a batch is committed at once.
	var w *wconn
	defer func() {
		if w != nil {
			w.close()
		}
	}()
	for o := range ops {
		batch := []*op{o}
		drain(ops, &batch)
		if w == nil && !s.d.dollar {
			if c, err := s.wdb.Conn(context.Background()); err == nil {
				w = &wconn{Conn: c, stmts: map[string]*sql.Stmt{}}
			}
		}
		if !s.commit(batch, w) && w != nil {
			// A failed transaction may have left the connection unusable:
			// the next batch starts on a fresh one.
			w.close()
			w = nil
		}
	}
}

// drain adds the writes already waiting to batch, up to maxBatch.
func drain(ops chan *op, batch *[]*op) {
	for len(*batch) < maxBatch {
		select {
		case o, ok := <-ops:
			if !ok {
				return
			}
			*batch = append(*batch, o)
		default:
			return
		}
	}
}

// commit runs a batch in one transaction, on w when set. If the
// transaction fails, each write is run alone, so one bad write fails only
// its own caller. It reports whether the batch's transaction committed.
func (s *sqlStore) commit(batch []*op, w *wconn) bool {
	err := s.runTx(batch, w)
	// A deadlock or serialization failure between replicas' transactions
	// is nobody's fault: the write is tried again, not lost.
	for try := 0; err != nil && len(batch) == 1 && s.d.retryable != nil && s.d.retryable(err) && try < 5; try++ {
		time.Sleep(time.Duration(try+1) * 10 * time.Millisecond)
		err = s.runTx(batch, w)
	}
	if err != nil && len(batch) > 1 {
		for _, o := range batch {
			// Alone, each on a transaction of the pool's.
			s.commit([]*op{o}, nil)
		}
		return false
	}
	for _, o := range batch {
		if err != nil {
			o.done <- err
		} else {
			o.done <- unwrapLogical(o.err)
		}
	}
	if err == nil && slices.ContainsFunc(batch, func(o *op) bool { return o.notify && o.err == nil }) {
		s.signal()
	}
	return err == nil
}

func (s *sqlStore) runTx(batch []*op, w *wconn) error {
	// The SQLite writer's statements run uncancelled (see uncancelled), so
	// its batches need no deadline, and are spared a timer each.
	ctx := context.Background()
	if w == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	var tx querier
	var commit func() error
	if w != nil {
		// Prepared once, like every statement of the writer's.
		begin, err := w.stmt(ctx, "BEGIN IMMEDIATE")
		if err != nil {
			return err
		}
		end, err := w.stmt(ctx, "COMMIT")
		if err != nil {
			return err
		}
		if _, err := begin.ExecContext(ctx); err != nil {
			return err
		}
		done := false
		defer func() {
			if !done {
				_, _ = w.ExecContext(context.Background(), "ROLLBACK")
			}
		}()
		tx = w
		commit = func() error {
			_, err := end.ExecContext(ctx)
			done = err == nil
			return err
		}
	} else {
		t, err := s.wdb.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer t.Rollback()
		tx, commit = t, t.Commit
	}
	notify := false
	locked := false
	for _, o := range batch {
		if o.appends && s.d.appendLock != "" && !locked {
			if _, err := tx.ExecContext(ctx, s.d.appendLock); err != nil {
				return err
			}
			locked = true
		}
		if err := o.ctx.Err(); err != nil {
			o.err = fail(err)
			continue
		}
		o.err = o.fn(tx)
		if _, ok := o.err.(logical); o.err != nil && !ok {
			return o.err
		}
		notify = notify || o.notify && o.err == nil
	}
	if err := s.applyPushed(ctx, tx, batch); err != nil {
		return err
	}
	if notify && s.d.notify != "" {
		if _, err := tx.ExecContext(ctx, s.d.notify); err != nil {
			return err
		}
	}
	return commit()
}

// applyPushed records the batch's webhook successes last, once per
// webhook and in uuid order: every batch locks webhook rows in the same
// order, so replicas' batches never deadlock on them, and a burst of
// successes to one webhook is one statement.
func (s *sqlStore) applyPushed(ctx context.Context, tx querier, batch []*op) error {
	var ps []pushed
	for _, o := range batch {
		if o.pushed != nil && o.err == nil {
			ps = append(ps, *o.pushed)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, func(a, b pushed) int { return cmp.Or(cmp.Compare(a.uuid, b.uuid), cmp.Compare(b.at, a.at)) })
	ps = slices.CompactFunc(ps, func(a, b pushed) bool { return a.uuid == b.uuid })
	for _, p := range ps {
		if _, err := s.exec(ctx, tx, `UPDATE webhooks SET failed_count = 0, last_pushed = CASE WHEN last_pushed < ? THEN ? ELSE last_pushed END WHERE uuid = ?`,
			p.at, p.at, p.uuid); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlStore) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *sqlStore) Wake() <-chan struct{} { return s.wake }

// q rewrites ? placeholders for the dialect.
func (s *sqlStore) q(query string) string {
	if !s.d.dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// statement is a prepared statement bound to a transaction.
type statement interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

// txQuery runs a query on a transaction, a connection or a pool; pgx
// prepares it once per connection and caches it
// (QueryExecModeCacheStatement).
type txQuery struct {
	tx querier
	q  string
}

func (t txQuery) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.q, args...)
}

func (t txQuery) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.q, args...)
}

func (t txQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.q, args...)
}

// querier is what a write runs its statements on: the SQLite writer's
// own connection (wconn), or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// wconn is the SQLite writer's connection, held for its life, with its
// statements prepared on it once: a statement bound to a transaction
// would be re-bound on every batch (database/sql's StmtContext), which
// cost the single writer more than the statement itself.
type wconn struct {
	*sql.Conn
	stmts map[string]*sql.Stmt
}

func (w *wconn) stmt(ctx context.Context, query string) (statement, error) {
	if st, ok := w.stmts[query]; ok {
		return uncancelled{st}, nil
	}
	st, err := w.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = st
	return uncancelled{st}, nil
}

// uncancelled runs the SQLite writer's statements without their callers'
// cancellation: the driver watches a cancellable context with a goroutine
// per statement, which cost the single writer more than some statements
// themselves. Nothing is lost: a write whose caller has gone is skipped
// before it starts (runTx), and a statement on a file this process alone
// writes cannot wait on another's lock.
type uncancelled struct{ st *sql.Stmt }

func (u uncancelled) ExecContext(_ context.Context, args ...any) (sql.Result, error) {
	return u.st.ExecContext(context.Background(), args...)
}

func (u uncancelled) QueryContext(_ context.Context, args ...any) (*sql.Rows, error) {
	return u.st.QueryContext(context.Background(), args...)
}

func (u uncancelled) QueryRowContext(_ context.Context, args ...any) *sql.Row {
	return u.st.QueryRowContext(context.Background(), args...)
}

func (w *wconn) close() {
	for _, st := range w.stmts {
		st.Close()
	}
	w.Conn.Close()
}

// stmt is a statement prepared once and bound to tx: on SQLite prepared
// on the writer's connection, or on the writer pool and bound to a
// transaction; on Postgres by pgx on each connection, because preparing
// on the pool would need a second connection while tx holds one.
func (s *sqlStore) stmt(ctx context.Context, tx querier, query string) (statement, error) {
	if s.d.dollar {
		return txQuery{tx, s.q(query)}, nil
	}
	if w, ok := tx.(*wconn); ok {
		return w.stmt(ctx, query)
	}
	s.stmtMu.Lock()
	st, ok := s.stmts[query]
	if !ok {
		var err error
		st, err = s.wdb.PrepareContext(ctx, s.q(query))
		if err != nil {
			s.stmtMu.Unlock()
			return nil, err
		}
		s.stmts[query] = st
	}
	s.stmtMu.Unlock()
	return tx.(*sql.Tx).StmtContext(ctx, st), nil
}

// read is a query on the read pool, prepared once on SQLite: the hot
// reads (the webhooks' version on every event) would otherwise be parsed
// on every call.
func (s *sqlStore) read(ctx context.Context, query string) statement {
	if s.d.dollar {
		return txQuery{s.rdb, s.q(query)}
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.reads[query]; ok {
		return st
	}
	st, err := s.rdb.PrepareContext(ctx, query)
	if err != nil {
		// The query itself fails again, with its error, where it is run.
		return txQuery{s.rdb, query}
	}
	s.reads[query] = st
	return st
}

func (s *sqlStore) exec(ctx context.Context, tx querier, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// --- webhooks

func (s *sqlStore) PutWebhook(ctx context.Context, w Webhook) error {
	return s.write(ctx, false, func(tx querier) error {
		_, err := s.exec(ctx, tx, `INSERT INTO webhooks (uuid, state, failed_count, last_pushed, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (uuid) DO UPDATE SET state = excluded.state, failed_count = excluded.failed_count,
			last_pushed = excluded.last_pushed, created_at = excluded.created_at, doc = excluded.doc`,
			w.UUID, w.State, w.FailedCount, nanos(w.LastPushed), nanos(w.CreatedAt), w.Doc)
		if err != nil {
			return err
		}
		return s.bumpHooks(ctx, tx)
	})
}

const hooksVersion = "webhooks.version"

// bumpHooks changes the webhooks' version in the transaction that
// changes them, so that a replica reading the version sees the change.
func (s *sqlStore) bumpHooks(ctx context.Context, tx querier) error {
	_, err := s.add(ctx, tx, hooksVersion, 1)
	return err
}

func (s *sqlStore) WebhooksVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.read(ctx, `SELECT value FROM counters WHERE name = ?`).QueryRowContext(ctx, hooksVersion).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

const webhookCols = `uuid, state, failed_count, last_pushed, created_at, doc`

type scanner interface{ Scan(...any) error }

func scanWebhook(r scanner) (Webhook, error) {
	var w Webhook
	var last, created int64
	err := r.Scan(&w.UUID, &w.State, &w.FailedCount, &last, &created, &w.Doc)
	w.LastPushed, w.CreatedAt = fromNanos(last), fromNanos(created)
	return w, err
}

func (s *sqlStore) Webhook(ctx context.Context, uuid string) (Webhook, error) {
	w, err := scanWebhook(s.read(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE uuid = ?`).QueryRowContext(ctx, uuid))
	if errors.Is(err, sql.ErrNoRows) {
		return Webhook{}, ErrNotFound
	}
	return w, err
}

func (s *sqlStore) Webhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := s.read(ctx, `SELECT `+webhookCols+` FROM webhooks ORDER BY created_at, uuid`).QueryContext(ctx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func (s *sqlStore) UpdateWebhook(ctx context.Context, uuid string, fn func(*Webhook) error) (Webhook, error) {
	var out Webhook
	err := s.short(ctx, func(tx querier) error {
		st, err := s.stmt(ctx, tx, `SELECT `+webhookCols+` FROM webhooks WHERE uuid = ?`+s.d.lock)
		if err != nil {
			return err
		}
		w, err := scanWebhook(st.QueryRowContext(ctx, uuid))
		if errors.Is(err, sql.ErrNoRows) {
			return fail(ErrNotFound)
		}
		if err != nil {
			return err
		}
		before := w
		if err := fn(&w); err != nil {
			return fail(err)
		}
		w.UUID = uuid
		if _, err := s.exec(ctx, tx, `UPDATE webhooks SET state = ?, failed_count = ?, last_pushed = ?, created_at = ?, doc = ? WHERE uuid = ?`,
			w.State, w.FailedCount, nanos(w.LastPushed), nanos(w.CreatedAt), w.Doc, uuid); err != nil {
			return err
		}
		if w.State != before.State || !bytes.Equal(w.Doc, before.Doc) {
			if err := s.bumpHooks(ctx, tx); err != nil {
				return err
			}
		}
		out = w
		return nil
	})
	return out, err
}

func (s *sqlStore) DeleteWebhook(ctx context.Context, uuid string) error {
	return s.write(ctx, false, func(tx querier) error {
		res, err := s.exec(ctx, tx, `DELETE FROM webhooks WHERE uuid = ?`, uuid)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail(ErrNotFound)
		}
		return s.bumpHooks(ctx, tx)
	})
}

// --- deliveries

func (s *sqlStore) Enqueue(ctx context.Context, ds []Delivery, work []Work) error {
	seqs := make([]int64, len(ds))
	notify := slices.ContainsFunc(work, func(w Work) bool { return w.Owner == "" })
	// A delivery's work is in its own row: most is written with the
	// record; work for a delivery recorded earlier is added to its row.
	err := s.run(&op{ctx: ctx, done: make(chan error, 1), notify: notify, appends: len(ds) > 0, fn: func(tx querier) error {
		const insert = `INSERT INTO deliveries (id, webhook, event_type, event_id, status, terminal, created_at, updated_at, doc,
			due, attempt, job, owner, lease_until, sending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		returning := ""
		if s.d.dollar {
			returning = " RETURNING seq" // pgx has no LastInsertId
		}
		ins, err := s.stmt(ctx, tx, insert+returning)
		if err != nil {
			return err
		}
		folded := 0
		for i, d := range ds {
			args := []any{d.ID, d.WebhookUUID, d.EventType, d.EventID, d.Status, d.Terminal, nanos(d.CreatedAt), nanos(d.UpdatedAt), d.Doc,
				nil, 0, nil, nil, nil, 0}
			if j := slices.IndexFunc(work, func(w Work) bool { return w.DeliveryID == d.ID }); j >= 0 {
				w := work[j]
				args[9], args[10], args[11], args[12], args[13], args[14] = nanos(w.Due), w.Attempt, w.Job, nullable(w.Owner), leaseOf(w), w.Sending
				folded++
			}
			if s.d.dollar {
				if err := ins.QueryRowContext(ctx, args...).Scan(&seqs[i]); err != nil {
					return err
				}
				continue
			}
			res, err := ins.ExecContext(ctx, args...)
			if err == nil {
				seqs[i], err = res.LastInsertId()
			}
			if err != nil {
				return err
			}
		}
		if folded < len(work) {
			for _, w := range work {
				if slices.ContainsFunc(ds, func(d Delivery) bool { return d.ID == w.DeliveryID }) {
					continue
				}
				// A hard error, not a logical one: the whole Enqueue is
				// undone, its inserts included.
				res, err := s.exec(ctx, tx, `UPDATE deliveries SET `+setWork+` WHERE id = ? AND due IS NULL AND terminal = ?`,
					append(workArgs(&w), w.DeliveryID, false)...)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return fmt.Errorf("store: work for delivery %s: no such live delivery without work", w.DeliveryID)
				}
			}
		}
		if s.added.Add(int64(len(ds))) >= int64(retainEvery(s.o)) {
			s.added.Store(0)
			if _, err := s.retain(ctx, tx, latest(ds)); err != nil {
				return err
			}
		}
		return nil
	}})
	if err == nil {
		for i := range ds {
			ds[i].Seq = seqs[i]
		}
	}
	return err
}

func (s *sqlStore) save(ctx context.Context, tx querier, d Delivery) error {
	res, err := s.exec(ctx, tx, `UPDATE deliveries SET status = ?, terminal = ?, updated_at = ?, doc = ?
		WHERE id = ? AND terminal = ?`, d.Status, d.Terminal, nanos(d.UpdatedAt), d.Doc, d.ID, false)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	st, err := s.stmt(ctx, tx, `SELECT COUNT(*) FROM deliveries WHERE id = ?`)
	if err != nil {
		return err
	}
	var n int
	if err := st.QueryRowContext(ctx, d.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fail(ErrNotFound)
	}
	return fail(ErrTerminal)
}

func (s *sqlStore) SaveDelivery(ctx context.Context, d Delivery) error {
	return s.write(ctx, false, func(tx querier) error { return s.save(ctx, tx, d) })
}

const deliveryCols = `seq, id, webhook, event_type, event_id, status, terminal, created_at, updated_at, doc, sending`

func scanDelivery(r scanner) (Delivery, error) {
	var d Delivery
	var created, updated int64
	err := r.Scan(&d.Seq, &d.ID, &d.WebhookUUID, &d.EventType, &d.EventID, &d.Status, &d.Terminal, &created, &updated, &d.Doc, &d.Sending)
	d.CreatedAt, d.UpdatedAt = fromNanos(created), fromNanos(updated)
	return d, err
}

func (s *sqlStore) Delivery(ctx context.Context, id string) (Delivery, error) {
	d, err := scanDelivery(s.read(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE id = ?`).QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, ErrNotFound
	}
	return d, err
}

func (s *sqlStore) Deliveries(ctx context.Context, q Query) (Page, error) {
	limit, err := q.limit()
	if err != nil {
		return Page{}, err
	}
	after, err := decodeCursor(q.Cursor)
	if err != nil {
		return Page{}, err
	}
	where, order := []string{"seq > ?"}, "seq"
	args := []any{after}
	if q.Newest {
		where, order = []string{"seq < ?"}, "seq DESC"
		if after == 0 {
			args[0] = int64(math.MaxInt64)
		}
	}
	add := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	add("webhook", q.Webhook)
	add("event_type", q.Type)
	add("event_id", q.Event)
	add("status", q.Status)
	if !q.Since.IsZero() {
		where = append(where, "created_at >= ?")
		args = append(args, q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		where = append(where, "created_at < ?")
		args = append(args, q.Until.UnixNano())
	}
	args = append(args, limit+1)
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT `+deliveryCols+` FROM deliveries WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`), args...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	p := Page{Deliveries: make([]Delivery, 0, min(limit, 64))}
	for rows.Next() {
		if len(p.Deliveries) == limit {
			p.Next = encodeCursor(p.Deliveries[limit-1].Seq)
			break
		}
		d, err := scanDelivery(rows)
		if err != nil {
			return Page{}, err
		}
		p.Deliveries = append(p.Deliveries, d)
	}
	return p, rows.Err()
}

func (s *sqlStore) ResetDeliveries(ctx context.Context) (int, error) {
	var n int64
	err := s.write(ctx, false, func(tx querier) error {
		res, err := s.exec(ctx, tx, `DELETE FROM deliveries WHERE terminal = ?`, true)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (s *sqlStore) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Cap: s.o.MaxRecords}
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT (SELECT COUNT(*) FROM deliveries), (SELECT COUNT(*) FROM deliveries WHERE owner IS NOT NULL) + (SELECT COUNT(*) FROM deliveries WHERE owner IS NULL AND due IS NOT NULL),
		COALESCE((SELECT value FROM counters WHERE name = ?), 0)`), evictedCounter).Scan(&st.Kept, &st.Pending, &st.Evicted)
	return st, err
}

func (s *sqlStore) Retain(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.write(ctx, false, func(tx querier) error {
		var err error
		n, err = s.retain(ctx, tx, now)
		return err
	})
	return n, err
}

func (s *sqlStore) retain(ctx context.Context, tx querier, now time.Time) (int, error) {
	var evicted int64
	if s.o.MaxRecords > 0 {
		var kept int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries`).Scan(&kept); err != nil {
			return 0, err
		}
		if over := kept - s.o.MaxRecords; over > 0 {
			res, err := s.exec(ctx, tx, `DELETE FROM deliveries WHERE seq IN (SELECT seq FROM deliveries WHERE terminal = ? ORDER BY seq LIMIT ?)`,
				true, over+s.o.MaxRecords/10)
			if err != nil {
				return 0, err
			}
			n, _ := res.RowsAffected()
			evicted += n
		}
	}
	if s.o.MaxAge > 0 && !now.IsZero() {
		res, err := s.exec(ctx, tx, `DELETE FROM deliveries WHERE terminal = ? AND updated_at < ?`, true, now.Add(-s.o.MaxAge).UnixNano())
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		evicted += n
	}
	if evicted > 0 {
		if _, err := s.add(ctx, tx, evictedCounter, evicted); err != nil {
			return 0, err
		}
	}
	return int(evicted), nil
}

// --- work

func (s *sqlStore) ClaimWork(ctx context.Context, c Claim) ([]Work, error) {
	if s.hb != nil {
		if _, err := s.hb.ExecContext(ctx, s.q(`INSERT INTO owners (owner, alive_until) VALUES (?, ?)
			ON CONFLICT (owner) DO UPDATE SET alive_until = excluded.alive_until`), c.Owner, nanos(c.WallNow.Add(c.Lease))); err != nil {
			return nil, err
		}
	}
	var out []Work
	err := s.short(ctx, func(tx querier) error {
		out = out[:0]
		st, err := s.stmt(ctx, tx, s.d.claim)
		if err != nil {
			return err
		}
		max := c.Max
		if max <= 0 {
			max = 1 << 30
		}
		// The claimer is alive: what it claims is leased to it. On
		// Postgres the heartbeat is committed first (below), so that a
		// concurrent claim that sees this owner on a row, re-read under
		// READ COMMITTED, also sees the owner alive.
		if s.hb == nil {
			if err := s.heartbeat(ctx, tx, c.Owner, c.WallNow.Add(c.Lease)); err != nil {
				return err
			}
		}
		wall := nanos(c.WallNow)
		rows, err := st.QueryContext(ctx, c.Owner, nanos(c.WallNow.Add(c.Lease)), nanos(c.Now), wall, wall, max)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w Work
			var due, lease int64
			var prev sql.NullString
			if err := rows.Scan(&w.DeliveryID, &due, &w.Attempt, &w.Job, &lease, &prev, &w.Sending); err != nil {
				return err
			}
			w.Due, w.LeaseUntil, w.Owner, w.Reclaimed = fromNanos(due), fromNanos(lease), c.Owner, prev.Valid
			out = append(out, w)
		}
		return rows.Err()
	})
	slices.SortFunc(out, func(a, b Work) int { return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.DeliveryID, b.DeliveryID)) })
	return out, err
}

// setWork is the columns a delivery's work occupies in its row; workArgs
// gives their values, and noWork (nil) clears them.
const setWork = `due = ?, attempt = ?, job = ?, owner = ?, prev_owner = NULL, lease_until = ?, sending = ?`

func workArgs(w *Work) []any {
	if w == nil {
		return noWork[:]
	}
	return []any{nanos(w.Due), w.Attempt, w.Job, nullable(w.Owner), leaseOf(*w), w.Sending}
}

var noWork = [...]any{nil, 0, nil, nil, nil, 0}

// ended saves a live delivery whose work owner holds and replaces the work
// with next (none when nil), in one statement: the row's owner is the
// lease check. When nothing matched it says why: ErrLeaseLost when the
// work (or the whole delivery) is gone or another's, ErrTerminal (the work
// removed) when the delivery was ended meanwhile.
func (s *sqlStore) ended(ctx context.Context, tx querier, owner string, d Delivery, next *Work) error {
	args := make([]any, 0, 13)
	args = append(append(append(args, d.Status, d.Terminal, nanos(d.UpdatedAt), d.Doc), workArgs(next)...), d.ID, owner, false)
	res, err := s.exec(ctx, tx, `UPDATE deliveries SET status = ?, terminal = ?, updated_at = ?, doc = ?, `+setWork+`
		WHERE id = ? AND due IS NOT NULL AND COALESCE(owner, '') = ? AND terminal = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	st, err := s.stmt(ctx, tx, `SELECT due IS NOT NULL AND COALESCE(owner, '') = ?, terminal FROM deliveries WHERE id = ?`+s.d.lock)
	if err != nil {
		return err
	}
	var ours, terminal bool
	err = st.QueryRowContext(ctx, owner, d.ID).Scan(&ours, &terminal)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fail(ErrLeaseLost)
	case err != nil:
		return err
	case !ours:
		return fail(ErrLeaseLost)
	}
	// Ours, but ended by a write that kept the work (SaveDelivery): the
	// work goes, the record stays as it ended.
	if _, err := s.exec(ctx, tx, `UPDATE deliveries SET `+setWork+` WHERE id = ?`, append(workArgs(nil), d.ID)...); err != nil {
		return err
	}
	return fail(ErrTerminal)
}

func (s *sqlStore) Finish(ctx context.Context, owner string, d Delivery, next *Work) error {
	return s.write(ctx, next != nil && next.Owner == "", func(tx querier) error {
		return s.ended(ctx, tx, owner, d, next)
	})
}

func (s *sqlStore) Mark(ctx context.Context, owner, id string, attempt int) error {
	return s.write(ctx, false, func(tx querier) error {
		res, err := s.exec(ctx, tx, `UPDATE deliveries SET sending = ? WHERE id = ? AND owner = ?`, attempt, id, owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail(ErrLeaseLost)
		}
		return nil
	})
}

func (s *sqlStore) Delivered(ctx context.Context, owner string, d Delivery, at time.Time) error {
	return s.run(&op{ctx: ctx, done: make(chan error, 1), pushed: &pushed{d.WebhookUUID, nanos(at)}, fn: func(tx querier) error {
		return s.ended(ctx, tx, owner, d, nil)
	}})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func leaseOf(w Work) any {
	if w.Owner == "" {
		return nil
	}
	return nanos(w.LeaseUntil)
}

func (s *sqlStore) heartbeat(ctx context.Context, tx querier, owner string, until time.Time) error {
	_, err := s.exec(ctx, tx, `INSERT INTO owners (owner, alive_until) VALUES (?, ?)
		ON CONFLICT (owner) DO UPDATE SET alive_until = excluded.alive_until`, owner, nanos(until))
	return err
}

// Renew extends owner's lease: one row, whatever it holds.
func (s *sqlStore) Renew(ctx context.Context, owner string, until time.Time) (int, error) {
	if s.hb != nil {
		if _, err := s.hb.ExecContext(ctx, s.q(`INSERT INTO owners (owner, alive_until) VALUES (?, ?)
			ON CONFLICT (owner) DO UPDATE SET alive_until = excluded.alive_until`), owner, nanos(until)); err != nil {
			return 0, err
		}
		var n int
		err := s.hb.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM deliveries WHERE owner = ?`), owner).Scan(&n)
		return n, err
	}
	var n int
	err := s.short(ctx, func(tx querier) error {
		if err := s.heartbeat(ctx, tx, owner, until); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM deliveries WHERE owner = ?`), owner).Scan(&n)
	})
	return n, err
}

// short runs fn in a transaction of its own where the dialect allows, so
// that a row every process touches (a lease, a webhook's breaker) is
// locked for one statement's time and never in an order that deadlocks
// with a batch; elsewhere (SQLite, one writer) in a batch.
func (s *sqlStore) short(ctx context.Context, fn func(tx querier) error) error {
	if !s.d.directRenew {
		return s.write(ctx, false, fn)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return unwrapLogical(err)
	}
	return tx.Commit()
}

func (s *sqlStore) Release(ctx context.Context, owner string) (int, error) {
	var n int64
	err := s.write(ctx, true, func(tx querier) error {
		res, err := s.exec(ctx, tx, `UPDATE deliveries SET owner = NULL, prev_owner = NULL, lease_until = NULL WHERE owner = ?`, owner)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, `DELETE FROM owners WHERE owner = ?`, owner); err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (s *sqlStore) NextDue(ctx context.Context) (time.Time, bool, error) {
	var due sql.NullInt64
	err := s.read(ctx, `SELECT MIN(due) FROM deliveries WHERE owner IS NULL AND due IS NOT NULL`).QueryRowContext(ctx).Scan(&due)
	if err != nil || !due.Valid {
		return time.Time{}, false, err
	}
	return fromNanos(due.Int64), true, nil
}

// --- documents and counters

func (s *sqlStore) PutDoc(ctx context.Context, d Doc) error {
	return s.write(ctx, false, func(tx querier) error {
		_, err := s.exec(ctx, tx, `INSERT INTO docs (kind, key, doc) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET doc = excluded.doc`,
			string(d.Kind), d.Key, d.Doc)
		return err
	})
}

func (s *sqlStore) DeleteDoc(ctx context.Context, kind Kind, key string) error {
	return s.write(ctx, false, func(tx querier) error {
		res, err := s.exec(ctx, tx, `DELETE FROM docs WHERE kind = ? AND key = ?`, string(kind), key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail(ErrNotFound)
		}
		return nil
	})
}

func (s *sqlStore) Docs(ctx context.Context, kind Kind) ([]Doc, error) {
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT key, doc FROM docs WHERE kind = ? ORDER BY key`), string(kind))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Doc{}
	for rows.Next() {
		d := Doc{Kind: kind}
		if err := rows.Scan(&d.Key, &d.Doc); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *sqlStore) Add(ctx context.Context, counter string, delta int64) (int64, error) {
	var v int64
	err := s.write(ctx, false, func(tx querier) error {
		var err error
		v, err = s.add(ctx, tx, counter, delta)
		return err
	})
	return v, err
}

func (s *sqlStore) add(ctx context.Context, tx querier, counter string, delta int64) (int64, error) {
	st, err := s.stmt(ctx, tx, `INSERT INTO counters (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value`)
	if err != nil {
		return 0, err
	}
	var v int64
	err = st.QueryRowContext(ctx, counter, delta).Scan(&v)
	return v, err
}

// tables lists every table, for --reset.
var tables = []string{"webhooks", "deliveries", "work", "docs", "counters", "owners", "schema_version"}

// migrate brings the schema up to date in one transaction, or refuses a
// schema newer than this build knows.
func migrate(ctx context.Context, db *sql.DB, d dialect, where string, files []string, read func(string) ([]byte, error), reset bool) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %s: %w", where, err)
	}
	defer tx.Rollback()
	if d.name == "postgres" {
		// Replicas starting together migrate one at a time.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7236048157)`); err != nil {
			return fmt.Errorf("store %s: %w", where, err)
		}
	}
	if reset {
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
				return fmt.Errorf("store %s: reset: %w", where, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store %s: %w", where, err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return fmt.Errorf("store %s: reading its schema version: %w", where, err)
	}
	if have > len(files) {
		return &SchemaError{Location: where, Found: have, Max: len(files)}
	}
	for i := have; i < len(files); i++ {
		body, err := read(files[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("store %s: migration %s: %w", where, files[i], err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO schema_version (version) VALUES (%d)`, i+1)); err != nil {
			return fmt.Errorf("store %s: %w", where, err)
		}
	}
	return tx.Commit()
}
