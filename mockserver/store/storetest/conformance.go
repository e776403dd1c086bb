package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
)

// Run is the conformance suite: every backend must pass all of it.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"Webhooks", testWebhooks},
		{"WebhookUpdatesAreTransactional", testWebhookConcurrency},
		{"Deliveries", testDeliveries},
		{"EnqueueIsAtomic", testEnqueueAtomic},
		{"EnqueueWorkForAnEarlierDelivery", testEnqueueEarlier},
		{"QueryFilters", testQueryFilters},
		{"QueryPages", testQueryPages},
		{"QueryPagesNewestFirst", testQueryNewest},
		{"QueryRejectsBadInput", testQueryErrors},
		{"Reset", testReset},
		{"RetentionByCount", testRetentionCount},
		{"RetentionByAge", testRetentionAge},
		{"ClaimDueWork", testClaimDue},
		{"EachItemClaimedOnce", testClaimOnce},
		{"ExpiredLeaseIsReclaimed", testLeaseExpiry},
		{"FinishReschedules", testFinishReschedule},
		{"MarkSurvivesTheSender", testMark},
		{"EnqueuedMarkSurvivesTheSender", testEnqueuedMark},
		{"DeliveredEndsAndResetsTheBreaker", testDelivered},
		{"WebhooksVersion", testWebhooksVersion},
		{"OwnedWorkRenewAndRelease", testOwnedWork},
		{"Wake", testWake},
		{"Docs", testDocs},
		{"Counters", testCounters},
		{"SurvivesReopen", testReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, b) })
	}
}

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func delivery(id, hook, typ, event, status string, terminal bool, at time.Time) store.Delivery {
	return store.Delivery{ID: id, WebhookUUID: hook, EventType: typ, EventID: event, Status: status, Terminal: terminal,
		CreatedAt: at, UpdatedAt: at, Doc: []byte(fmt.Sprintf(`{"id":%q}`, id))}
}

func testWebhooks(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	if _, err := s.Webhook(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Webhook(unknown) = %v, want ErrNotFound", err)
	}
	w2 := store.Webhook{UUID: "b", State: "ACTIVE", CreatedAt: t0.Add(time.Second), Doc: []byte(`{"url":"http://b"}`)}
	w1 := store.Webhook{UUID: "a", State: "ACTIVE", CreatedAt: t0, Doc: []byte(`{"url":"http://a"}`)}
	must(t, s.PutWebhook(ctx, w2))
	must(t, s.PutWebhook(ctx, w1))
	list, err := s.Webhooks(ctx)
	must(t, err)
	if len(list) != 2 || list[0].UUID != "a" || list[1].UUID != "b" || string(list[1].Doc) != `{"url":"http://b"}` {
		t.Fatalf("Webhooks = %+v, want a then b by creation", list)
	}
	got, err := s.UpdateWebhook(ctx, "a", func(w *store.Webhook) error {
		w.State, w.FailedCount, w.LastPushed = "FAILED", 3, t0.Add(time.Minute)
		return nil
	})
	must(t, err)
	if got.State != "FAILED" || got.FailedCount != 3 {
		t.Fatalf("UpdateWebhook returned %+v", got)
	}
	boom := errors.New("boom")
	if _, err := s.UpdateWebhook(ctx, "a", func(w *store.Webhook) error { w.State = "X"; return boom }); !errors.Is(err, boom) {
		t.Fatalf("UpdateWebhook with failing fn = %v, want its error", err)
	}
	if _, err := s.UpdateWebhook(ctx, "nope", func(*store.Webhook) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateWebhook(unknown) = %v, want ErrNotFound", err)
	}
	a, err := s.Webhook(ctx, "a")
	must(t, err)
	if a.State != "FAILED" || a.FailedCount != 3 || !a.LastPushed.Equal(t0.Add(time.Minute)) || !a.CreatedAt.Equal(t0) {
		t.Fatalf("after update: %+v", a)
	}
	must(t, s.DeleteWebhook(ctx, "a"))
	if err := s.DeleteWebhook(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete = %v, want ErrNotFound", err)
	}
	list, _ = s.Webhooks(ctx)
	if len(list) != 1 || list[0].UUID != "b" {
		t.Fatalf("after delete: %+v", list)
	}
}

func testWebhookConcurrency(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	must(t, s.PutWebhook(ctx, store.Webhook{UUID: "w", State: "ACTIVE", CreatedAt: t0, Doc: []byte(`{}`)}))
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := s.UpdateWebhook(ctx, "w", func(w *store.Webhook) error { w.FailedCount++; return nil })
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	w, err := s.Webhook(ctx, "w")
	must(t, err)
	if w.FailedCount != n {
		t.Fatalf("failedCount after %d concurrent increments = %d: an update was lost", n, w.FailedCount)
	}
}

func testDeliveries(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	ds := []store.Delivery{delivery("d1", "w", "t", "e1", "pending", false, t0), delivery("d2", "w", "t", "e1", "pending", false, t0)}
	must(t, s.Enqueue(ctx, ds, nil))
	if ds[0].Seq <= 0 || ds[1].Seq <= ds[0].Seq {
		t.Fatalf("Enqueue set Seq %d, %d; want increasing positives", ds[0].Seq, ds[1].Seq)
	}
	d := ds[0]
	d.Status, d.Terminal, d.UpdatedAt, d.Doc = "delivered", true, t0.Add(time.Second), []byte(`{"id":"d1","attempts":[1]}`)
	must(t, s.SaveDelivery(ctx, d))
	got, err := s.Delivery(ctx, "d1")
	must(t, err)
	if got.Status != "delivered" || !got.Terminal || string(got.Doc) != `{"id":"d1","attempts":[1]}` || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Second)) || got.Seq != ds[0].Seq {
		t.Fatalf("Delivery(d1) = %+v", got)
	}
	d.Status = "dropped"
	if err := s.SaveDelivery(ctx, d); !errors.Is(err, store.ErrTerminal) {
		t.Fatalf("SaveDelivery on a terminal record = %v, want ErrTerminal", err)
	}
	if got, _ := s.Delivery(ctx, "d1"); got.Status != "delivered" {
		t.Fatalf("a terminal delivery changed to %s", got.Status)
	}
	if err := s.SaveDelivery(ctx, delivery("zz", "w", "t", "e", "pending", false, t0)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SaveDelivery(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.Delivery(ctx, "zz"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delivery(unknown) = %v, want ErrNotFound", err)
	}
}

func testEnqueueAtomic(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	must(t, s.Enqueue(ctx, []store.Delivery{delivery("d1", "w", "t", "e", "pending", false, t0)}, nil))
	err := s.Enqueue(ctx, []store.Delivery{delivery("d2", "w", "t", "e", "pending", false, t0), delivery("d1", "w", "t", "e", "pending", false, t0)},
		[]store.Work{{DeliveryID: "d2", Due: t0, Job: []byte("j")}})
	if err == nil {
		t.Fatal("Enqueue with a duplicate id succeeded")
	}
	if _, err := s.Delivery(ctx, "d2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed Enqueue left d2 behind (%v)", err)
	}
	if st, _ := s.Stats(ctx); st.Pending != 0 || st.Kept != 1 {
		t.Fatalf("a failed Enqueue left %+v", st)
	}
}

// fill enqueues n deliveries over 2 webhooks, 3 types and 5 statuses, one
// second apart; every 5th is live.
func fill(t *testing.T, s store.Store, n int) []store.Delivery {
	var all []store.Delivery
	statuses := []string{"pending", "delivered", "dropped", "skipped", "interrupted"}
	for i := range n {
		st := statuses[i%5]
		all = append(all, delivery(fmt.Sprintf("d%d", i), []string{"w1", "w2"}[i%2], []string{"ta", "tb", "tc"}[i%3],
			fmt.Sprintf("e%d", i/2), st, st != "pending", t0.Add(time.Duration(i)*time.Second)))
	}
	for chunk := range slices.Chunk(all, 100) {
		must(t, s.Enqueue(ctx, chunk, nil))
	}
	return all
}

func ids(ds []store.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func collect(t *testing.T, s store.Store, q store.Query) []string {
	t.Helper()
	var out []string
	must(t, store.Each(ctx, s, q, func(d store.Delivery) error { out = append(out, d.ID); return nil }))
	return out
}

// Work may be added to a live delivery recorded earlier without any; work
// for an unknown, ended or busy delivery fails the whole call.
func testEnqueueEarlier(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	must(t, s.Enqueue(ctx, []store.Delivery{delivery("d1", "w", "t", "e", "pending", false, t0), delivery("done", "w", "t", "e", "delivered", true, t0)}, nil))
	must(t, s.Enqueue(ctx, nil, []store.Work{{DeliveryID: "d1", Due: t0, Job: []byte("j1")}}))
	for _, id := range []string{"unknown", "done", "d1"} {
		err := s.Enqueue(ctx, []store.Delivery{delivery("d2-"+id, "w", "t", "e", "pending", false, t0)},
			[]store.Work{{DeliveryID: "d2-" + id, Due: t0, Job: []byte("j2")}, {DeliveryID: id, Due: t0, Job: []byte("again")}})
		if err == nil {
			t.Fatalf("work for %s was accepted", id)
		}
		if _, err := s.Delivery(ctx, "d2-"+id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a refused Enqueue (work for %s) left its delivery behind: %v", id, err)
		}
	}
	ws, err := s.ClaimWork(ctx, store.Claim{Owner: "a", Now: t0, WallNow: time.Now(), Lease: time.Minute})
	if err != nil || len(ws) != 1 || ws[0].DeliveryID != "d1" || string(ws[0].Job) != "j1" {
		t.Fatalf("claimed %+v (%v), want d1's work alone", ws, err)
	}
}

func testQueryFilters(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	all := fill(t, s, 60)
	want := func(keep func(i int, d store.Delivery) bool) []string {
		var out []string
		for i, d := range all {
			if keep(i, d) {
				out = append(out, d.ID)
			}
		}
		return out
	}
	cases := []struct {
		name string
		q    store.Query
		keep func(int, store.Delivery) bool
	}{
		{"all", store.Query{}, func(int, store.Delivery) bool { return true }},
		{"webhook", store.Query{Webhook: "w2"}, func(_ int, d store.Delivery) bool { return d.WebhookUUID == "w2" }},
		{"type", store.Query{Type: "tb"}, func(_ int, d store.Delivery) bool { return d.EventType == "tb" }},
		{"event", store.Query{Event: "e7"}, func(_ int, d store.Delivery) bool { return d.EventID == "e7" }},
		{"status", store.Query{Status: "dropped"}, func(_ int, d store.Delivery) bool { return d.Status == "dropped" }},
		{"since-until", store.Query{Since: t0.Add(10 * time.Second), Until: t0.Add(20 * time.Second)},
			func(i int, _ store.Delivery) bool { return i >= 10 && i < 20 }},
		{"combined", store.Query{Webhook: "w1", Type: "ta", Status: "pending"},
			func(_ int, d store.Delivery) bool {
				return d.WebhookUUID == "w1" && d.EventType == "ta" && d.Status == "pending"
			}},
		{"none", store.Query{Webhook: "nobody"}, func(int, store.Delivery) bool { return false }},
	}
	for _, c := range cases {
		got := collect(t, s, c.q)
		if w := want(c.keep); !slices.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", c.name, got, w)
		}
	}
}

func testQueryPages(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	all := fill(t, s, 250)
	p, err := s.Deliveries(ctx, store.Query{})
	must(t, err)
	if len(p.Deliveries) != store.DefaultLimit || p.Next == "" {
		t.Fatalf("first page: %d records, next %q; want %d and a cursor", len(p.Deliveries), p.Next, store.DefaultLimit)
	}
	var got []string
	q := store.Query{Limit: 7}
	pages := 0
	for {
		p, err := s.Deliveries(ctx, q)
		must(t, err)
		pages++
		if len(p.Deliveries) > 7 {
			t.Fatalf("page of %d with limit 7", len(p.Deliveries))
		}
		got = append(got, ids(p.Deliveries)...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if !slices.Equal(got, ids(all)) {
		t.Fatalf("paging by 7 returned %d records, want all %d in order", len(got), len(all))
	}
	if pages != 36 {
		t.Fatalf("250 records by 7 took %d pages, want 36 (no empty last page)", pages)
	}
	// Pages stay stable while the log grows behind them.
	p1, _ := s.Deliveries(ctx, store.Query{Limit: 10, Status: "pending"})
	must(t, s.Enqueue(ctx, []store.Delivery{delivery("late", "w1", "ta", "x", "pending", false, t0)}, nil))
	p2, _ := s.Deliveries(ctx, store.Query{Limit: 1000, Status: "pending", Cursor: p1.Next})
	rest := ids(p2.Deliveries)
	if len(rest) == 0 || rest[len(rest)-1] != "late" || slices.Contains(rest, p1.Deliveries[9].ID) {
		t.Fatalf("continuing after new records: %v", rest)
	}
}

func testQueryErrors(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	var ce *store.CursorError
	if _, err := s.Deliveries(ctx, store.Query{Cursor: "not-a-cursor"}); !errors.As(err, &ce) {
		t.Fatalf("bad cursor: %v, want a CursorError", err)
	}
	var le *store.LimitError
	for _, l := range []int{-1, store.MaxLimit + 1} {
		if _, err := s.Deliveries(ctx, store.Query{Limit: l}); !errors.As(err, &le) {
			t.Fatalf("limit %d: %v, want a LimitError", l, err)
		}
	}
}

func testReset(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	fill(t, s, 50)
	n, err := s.ResetDeliveries(ctx)
	must(t, err)
	if n != 40 {
		t.Fatalf("reset forgot %d, want the 40 terminal", n)
	}
	left := collect(t, s, store.Query{})
	if len(left) != 10 || len(collect(t, s, store.Query{Status: "pending"})) != 10 {
		t.Fatalf("after reset: %v, want the 10 live ones", left)
	}
}

func testRetentionCount(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{MaxRecords: 200})
	fill(t, s, 500)
	st, err := s.Stats(ctx)
	must(t, err)
	if st.Kept > 200 || st.Kept < 150 {
		t.Fatalf("kept %d with a cap of 200", st.Kept)
	}
	if st.Evicted != int64(500-st.Kept) {
		t.Fatalf("evicted %d, kept %d: %d records unaccounted for", st.Evicted, st.Kept, 500-st.Kept-int(st.Evicted))
	}
	if live := collect(t, s, store.Query{Status: "pending"}); len(live) != 100 {
		t.Fatalf("%d live records kept, want all 100: retention must never evict a live one", len(live))
	}
	last := collect(t, s, store.Query{})
	if last[len(last)-1] != "d499" {
		t.Fatalf("the newest record was evicted: %v", last[len(last)-5:])
	}
}

func testRetentionAge(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{MaxAge: time.Minute})
	fill(t, s, 300) // created one second apart: 5 minutes in all
	n, err := s.Retain(ctx, t0.Add(300*time.Second))
	must(t, err)
	for _, id := range collect(t, s, store.Query{}) {
		d, _ := s.Delivery(ctx, id)
		if d.Terminal && d.UpdatedAt.Before(t0.Add(240*time.Second)) {
			t.Fatalf("terminal %s from %s kept past maxAge", id, d.UpdatedAt)
		}
	}
	if live := collect(t, s, store.Query{Status: "pending"}); len(live) != 60 {
		t.Fatalf("%d live kept, want 60", len(live))
	}
	st, _ := s.Stats(ctx)
	if n == 0 || st.Evicted != int64(n) || st.Kept != 300-n {
		t.Fatalf("Retain evicted %d; stats %+v", n, st)
	}
}

func enqueueWork(t *testing.T, s store.Store, n int, due func(i int) time.Time) {
	t.Helper()
	var ds []store.Delivery
	var ws []store.Work
	for i := range n {
		id := fmt.Sprintf("d%03d", i)
		ds = append(ds, delivery(id, "w", "t", id, "pending", false, t0))
		ws = append(ws, store.Work{DeliveryID: id, Due: due(i), Attempt: 0, Job: []byte("job-" + id)})
	}
	must(t, s.Enqueue(ctx, ds, ws))
}

func claim(t *testing.T, s store.Store, owner string, now, wall time.Time, max int) []store.Work {
	t.Helper()
	ws, err := s.ClaimWork(ctx, store.Claim{Owner: owner, Now: now, WallNow: wall, Lease: 30 * time.Second, Max: max})
	must(t, err)
	return ws
}

func testClaimDue(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	enqueueWork(t, s, 10, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) })
	due, ok, err := s.NextDue(ctx)
	must(t, err)
	if !ok || !due.Equal(t0) {
		t.Fatalf("NextDue = %s, %v; want %s", due, ok, t0)
	}
	wall := time.Now()
	got := claim(t, s, "a", t0.Add(150*time.Second), wall, 0)
	if len(got) != 3 || got[0].DeliveryID != "d000" || got[2].DeliveryID != "d002" {
		t.Fatalf("claimed %v at t0+2m30s, want d000..d002", got)
	}
	w := got[1]
	if w.Owner != "a" || w.Reclaimed || string(w.Job) != "job-d001" || !w.Due.Equal(t0.Add(time.Minute)) || w.LeaseUntil.Sub(wall).Round(time.Millisecond) != 30*time.Second {
		t.Fatalf("claimed work %+v", w)
	}
	if again := claim(t, s, "b", t0.Add(150*time.Second), wall, 0); len(again) != 0 {
		t.Fatalf("leased work claimed again: %v", again)
	}
	due, _, _ = s.NextDue(ctx)
	if !due.Equal(t0.Add(3 * time.Minute)) {
		t.Fatalf("NextDue after claims = %s, want the first unclaimed (t0+3m)", due)
	}
	if got := claim(t, s, "b", t0.Add(time.Hour), wall, 2); len(got) != 2 || got[0].DeliveryID != "d003" {
		t.Fatalf("claim with max 2: %v", got)
	}
	d, _ := s.Delivery(ctx, "d000")
	d.Status, d.Terminal = "delivered", true
	if err := s.Finish(ctx, "b", d, nil); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("Finish by a non-owner = %v, want ErrLeaseLost", err)
	}
	must(t, s.Finish(ctx, "a", d, nil))
	if err := s.Finish(ctx, "a", d, nil); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("second Finish = %v, want ErrLeaseLost", err)
	}
	if got, _ := s.Delivery(ctx, "d000"); got.Status != "delivered" {
		t.Fatalf("Finish did not save: %+v", got)
	}
	if st, _ := s.Stats(ctx); st.Pending != 9 {
		t.Fatalf("pending %d after one finish, want 9", st.Pending)
	}
}

func testClaimOnce(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	const n = 300
	enqueueWork(t, s, n, func(int) time.Time { return t0 })
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	wall := time.Now()
	for c := range 6 {
		owner := fmt.Sprintf("owner%d", c)
		wg.Go(func() {
			for {
				ws, err := s.ClaimWork(ctx, store.Claim{Owner: owner, Now: t0, WallNow: wall, Lease: time.Minute, Max: 7})
				if err != nil {
					t.Error(err)
					return
				}
				if len(ws) == 0 {
					return
				}
				for _, w := range ws {
					mu.Lock()
					if prev, dup := seen[w.DeliveryID]; dup {
						t.Errorf("%s claimed by %s and %s", w.DeliveryID, prev, owner)
					}
					seen[w.DeliveryID] = owner
					mu.Unlock()
					d, _ := s.Delivery(ctx, w.DeliveryID)
					d.Status, d.Terminal = "delivered", true
					if err := s.Finish(ctx, owner, d, nil); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d of %d items claimed", len(seen), n)
	}
	if st, _ := s.Stats(ctx); st.Pending != 0 {
		t.Fatalf("%d items left pending", st.Pending)
	}
}

func testLeaseExpiry(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	enqueueWork(t, s, 2, func(int) time.Time { return t0 })
	wall := time.Now()
	first := claim(t, s, "dead", t0, wall, 0)
	if len(first) != 2 {
		t.Fatalf("claimed %d", len(first))
	}
	if got := claim(t, s, "b", t0, wall.Add(29*time.Second), 0); len(got) != 0 {
		t.Fatalf("claimed before the lease expired: %v", got)
	}
	// The virtual clock standing still does not keep the lease alive:
	// leases are on the wall clock.
	got := claim(t, s, "b", t0, wall.Add(31*time.Second), 1)
	if len(got) != 1 || !got[0].Reclaimed || got[0].Owner != "b" {
		t.Fatalf("after expiry: %+v, want one item reclaimed by b", got)
	}
	d, _ := s.Delivery(ctx, got[0].DeliveryID)
	d.Status, d.Terminal = "interrupted", true
	if err := s.Finish(ctx, "dead", d, nil); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("the expired owner finished a reclaimed item: %v", err)
	}
	must(t, s.Finish(ctx, "b", d, nil))
}

func testFinishReschedule(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	enqueueWork(t, s, 1, func(int) time.Time { return t0 })
	wall := time.Now()
	w := claim(t, s, "a", t0, wall, 0)[0]
	d, _ := s.Delivery(ctx, w.DeliveryID)
	d.Status, d.Doc = "retrying", []byte(`{"attempts":[1]}`)
	must(t, s.Finish(ctx, "a", d, &store.Work{Due: t0.Add(time.Minute), Attempt: 1, Job: []byte("job2")}))
	if got := claim(t, s, "a", t0.Add(59*time.Second), wall, 0); len(got) != 0 {
		t.Fatalf("rescheduled work claimed early: %v", got)
	}
	got := claim(t, s, "b", t0.Add(time.Minute), wall, 0)
	if len(got) != 1 || got[0].Attempt != 1 || string(got[0].Job) != "job2" || got[0].Reclaimed {
		t.Fatalf("rescheduled work: %+v", got)
	}
	if cur, _ := s.Delivery(ctx, d.ID); cur.Status != "retrying" || string(cur.Doc) != `{"attempts":[1]}` {
		t.Fatalf("delivery after reschedule: %+v", cur)
	}
	d.Status, d.Terminal = "delivered", true
	must(t, s.Finish(ctx, "b", d, nil))
	d.Status = "dropped"
	if _, err := s.Delivery(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDelivery(ctx, d); !errors.Is(err, store.ErrTerminal) {
		t.Fatalf("second terminal state accepted: %v", err)
	}
}

// testMark: the attempt a sender marked before it died is what the next
// owner sees on the reclaimed item; a reschedule clears it.
func testMark(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	enqueueWork(t, s, 1, func(int) time.Time { return t0 })
	wall := time.Now()
	w := claim(t, s, "dead", t0, wall, 0)[0]
	if w.Sending != 0 {
		t.Fatalf("fresh work marked sending %d", w.Sending)
	}
	if err := s.Mark(ctx, "other", w.DeliveryID, 1); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("a non-owner marked the work: %v", err)
	}
	must(t, s.Mark(ctx, "dead", w.DeliveryID, 1))
	if d, _ := s.Delivery(ctx, w.DeliveryID); d.Sending != 1 {
		t.Fatalf("a marked delivery reads as sending %d, want 1", d.Sending)
	}
	if p, _ := s.Deliveries(ctx, store.Query{}); len(p.Deliveries) != 1 || p.Deliveries[0].Sending != 1 {
		t.Fatalf("a marked delivery pages as %+v, want sending 1", p.Deliveries)
	}
	got := claim(t, s, "b", t0, wall.Add(31*time.Second), 0)
	if len(got) != 1 || !got[0].Reclaimed || got[0].Sending != 1 {
		t.Fatalf("reclaimed after a marked attempt: %+v, want Sending 1", got)
	}
	d, _ := s.Delivery(ctx, w.DeliveryID)
	must(t, s.Finish(ctx, "b", d, &store.Work{Due: t0, Attempt: 1, Job: w.Job}))
	if got := claim(t, s, "c", t0, wall, 0); len(got) != 1 || got[0].Sending != 0 || got[0].Attempt != 1 {
		t.Fatalf("after a reschedule: %+v, want Sending 0", got)
	}
	if d, _ := s.Delivery(ctx, w.DeliveryID); d.Sending != 0 {
		t.Fatalf("after a reschedule the delivery reads as sending %d, want 0", d.Sending)
	}
	if err := s.Mark(ctx, "c", "nope", 1); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("marking unknown work: %v", err)
	}
}

func testDelivered(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	must(t, s.PutWebhook(ctx, store.Webhook{UUID: "w", State: "ACTIVE", FailedCount: 2, CreatedAt: t0, Doc: []byte(`{}`)}))
	enqueueWork(t, s, 1, func(int) time.Time { return t0 })
	wall := time.Now()
	w := claim(t, s, "a", t0, wall, 0)[0]
	d, _ := s.Delivery(ctx, w.DeliveryID)
	d.Status, d.Terminal, d.Doc = "delivered", true, []byte(`{"ok":true}`)
	if err := s.Delivered(ctx, "b", d, t0.Add(time.Second)); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("a non-owner ended the delivery: %v", err)
	}
	if h, _ := s.Webhook(ctx, "w"); h.FailedCount != 2 {
		t.Fatalf("a refused Delivered changed the breaker: %+v", h)
	}
	must(t, s.Delivered(ctx, "a", d, t0.Add(time.Second)))
	h, _ := s.Webhook(ctx, "w")
	if h.FailedCount != 0 || !h.LastPushed.Equal(t0.Add(time.Second)) {
		t.Fatalf("webhook after Delivered: %+v, want failed 0, pushed at t0+1s", h)
	}
	if cur, _ := s.Delivery(ctx, d.ID); cur.Status != "delivered" || !cur.Terminal || string(cur.Doc) != `{"ok":true}` {
		t.Fatalf("delivery after Delivered: %+v", cur)
	}
	if got := claim(t, s, "c", t0.Add(time.Hour), wall.Add(time.Hour), 0); len(got) != 0 {
		t.Fatalf("work left after Delivered: %+v", got)
	}
}

func testWebhooksVersion(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	v := func() int64 {
		t.Helper()
		n, err := s.WebhooksVersion(ctx)
		must(t, err)
		return n
	}
	v0 := v()
	must(t, s.PutWebhook(ctx, store.Webhook{UUID: "w", State: "ACTIVE", CreatedAt: t0, Doc: []byte(`{}`)}))
	v1 := v()
	if v1 == v0 {
		t.Fatal("creating a webhook left the version")
	}
	_, err := s.UpdateWebhook(ctx, "w", func(w *store.Webhook) error { w.FailedCount++; return nil })
	must(t, err)
	if v() != v1 {
		t.Fatal("a breaker count alone changed the version")
	}
	_, err = s.UpdateWebhook(ctx, "w", func(w *store.Webhook) error { w.State = "FAILED"; return nil })
	must(t, err)
	v2 := v()
	if v2 == v1 {
		t.Fatal("a state change left the version")
	}
	_, err = s.UpdateWebhook(ctx, "w", func(w *store.Webhook) error { w.Doc = []byte(`{"url":"x"}`); return nil })
	must(t, err)
	v3 := v()
	if v3 == v2 {
		t.Fatal("a document change left the version")
	}
	must(t, s.DeleteWebhook(ctx, "w"))
	if v() == v3 {
		t.Fatal("deleting a webhook left the version")
	}
}

func testWake(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	drain := func() {
		for {
			select {
			case <-s.Wake():
			case <-time.After(200 * time.Millisecond):
				return
			}
		}
	}
	drain()
	enqueueWork(t, s, 1, func(int) time.Time { return t0 })
	select {
	case <-s.Wake():
	case <-time.After(5 * time.Second):
		t.Fatal("no wake-up after Enqueue with work")
	}
}

func testDocs(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	must(t, s.PutDoc(ctx, store.Doc{Kind: store.KindSchedule, Key: "s2", Doc: []byte(`2`)}))
	must(t, s.PutDoc(ctx, store.Doc{Kind: store.KindSchedule, Key: "s1", Doc: []byte(`1`)}))
	must(t, s.PutDoc(ctx, store.Doc{Kind: store.KindScenario, Key: "s1", Doc: []byte(`scenario`)}))
	must(t, s.PutDoc(ctx, store.Doc{Kind: store.KindSchedule, Key: "s2", Doc: []byte(`22`)}))
	got, err := s.Docs(ctx, store.KindSchedule)
	must(t, err)
	if len(got) != 2 || got[0].Key != "s1" || string(got[1].Doc) != "22" {
		t.Fatalf("schedules: %+v", got)
	}
	must(t, s.DeleteDoc(ctx, store.KindSchedule, "s1"))
	if err := s.DeleteDoc(ctx, store.KindSchedule, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second DeleteDoc = %v, want ErrNotFound", err)
	}
	if sc, _ := s.Docs(ctx, store.KindScenario); len(sc) != 1 || string(sc[0].Doc) != "scenario" {
		t.Fatalf("scenarios: %+v", sc)
	}
	if none, _ := s.Docs(ctx, store.KindActionError); none == nil || len(none) != 0 {
		t.Fatalf("empty kind: %#v, want an empty list", none)
	}
}

func testCounters(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := s.Add(ctx, "gen", 5); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	v, err := s.Add(ctx, "gen", 0)
	must(t, err)
	if v != 100 {
		t.Fatalf("counter = %d after 20 concurrent +5, want 100", v)
	}
	if v, _ := s.Add(ctx, "clock", -7); v != -7 {
		t.Fatalf("new counter -7 = %d", v)
	}
}

func testReopen(t *testing.T, b Backend) {
	if !b.Durable {
		t.Skip(b.Name + " keeps nothing across Open")
	}
	spec := b.Fresh(t)
	s, err := store.Open(ctx, spec, store.Options{})
	must(t, err)
	must(t, s.PutWebhook(ctx, store.Webhook{UUID: "w", State: "FAILED", FailedCount: 4, CreatedAt: t0, Doc: []byte(`{"u":1}`)}))
	enqueueWork(t, s, 3, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) })
	claim(t, s, "dead", t0, time.Now().Add(-time.Hour), 1) // a lease long expired
	must(t, s.PutDoc(ctx, store.Doc{Kind: store.KindScenario, Key: "x", Doc: []byte(`y`)}))
	_, err = s.Add(ctx, "clock", 42)
	must(t, err)
	must(t, s.Close())

	s = Open(t, spec, store.Options{})
	if w, err := s.Webhook(ctx, "w"); err != nil || w.FailedCount != 4 || w.State != "FAILED" || string(w.Doc) != `{"u":1}` {
		t.Fatalf("webhook after reopen: %+v, %v", w, err)
	}
	if got := collect(t, s, store.Query{}); len(got) != 3 {
		t.Fatalf("deliveries after reopen: %v", got)
	}
	got := claim(t, s, "new", t0.Add(time.Hour), time.Now(), 0)
	if len(got) != 3 || !got[0].Reclaimed || got[1].Reclaimed {
		t.Fatalf("work after reopen: %+v; want 3, the first reclaimed from the dead owner", got)
	}
	if d, _ := s.Docs(ctx, store.KindScenario); len(d) != 1 {
		t.Fatalf("docs after reopen: %+v", d)
	}
	if v, _ := s.Add(ctx, "clock", 0); v != 42 {
		t.Fatalf("counter after reopen = %d", v)
	}
	s.Close()
	s = Open(t, spec, store.Options{Reset: true})
	if st, _ := s.Stats(ctx); st.Kept != 0 || st.Pending != 0 {
		t.Fatalf("after Reset: %+v", st)
	}
	if ws, _ := s.Webhooks(ctx); len(ws) != 0 {
		t.Fatalf("webhooks after Reset: %+v", ws)
	}
}

// testEnqueuedMark: work enqueued already marked (its first attempt sent
// at once) is seen so by whoever takes it over from a dead owner, and
// work enqueued unmarked is not.
func testEnqueuedMark(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	wall := time.Now()
	lease := wall.Add(10 * time.Second)
	must(t, s.Enqueue(ctx, []store.Delivery{delivery("d1", "w", "t", "e", "pending", false, t0), delivery("d2", "w", "t", "e", "pending", false, t0)},
		[]store.Work{{DeliveryID: "d1", Due: t0, Job: []byte("1"), Owner: "dead", LeaseUntil: lease, Sending: 1},
			{DeliveryID: "d2", Due: t0, Job: []byte("2"), Owner: "dead", LeaseUntil: lease}}))
	got := claim(t, s, "b", t0, wall.Add(31*time.Second), 0)
	if len(got) != 2 || !got[0].Reclaimed || !got[1].Reclaimed {
		t.Fatalf("reclaimed %+v, want d1 and d2 taken over from the dead owner", got)
	}
	for _, w := range got {
		if want := map[string]int{"d1": 1, "d2": 0}[w.DeliveryID]; w.Sending != want || w.Attempt != 0 {
			t.Fatalf("%s reclaimed with Sending %d, Attempt %d; want Sending %d, Attempt 0", w.DeliveryID, w.Sending, w.Attempt, want)
		}
	}
}

func testOwnedWork(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	wall := time.Now()
	must(t, s.Enqueue(ctx, []store.Delivery{delivery("d1", "w", "t", "e", "pending", false, t0), delivery("d2", "w", "t", "e", "pending", false, t0)},
		[]store.Work{{DeliveryID: "d1", Due: t0, Job: []byte("1"), Owner: "me", LeaseUntil: wall.Add(10 * time.Second)},
			{DeliveryID: "d2", Due: t0, Job: []byte("2")}}))
	if _, err := s.Renew(ctx, "me", wall.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	got := claim(t, s, "other", t0.Add(time.Hour), wall, 0)
	if len(got) != 1 || got[0].DeliveryID != "d2" {
		t.Fatalf("claimed %+v; work enqueued with an owner must stay leased to it", got)
	}
	d2, _ := s.Delivery(ctx, "d2")
	d2.Status, d2.Terminal = "delivered", true
	must(t, s.Finish(ctx, "other", d2, nil))
	d, _ := s.Delivery(ctx, "d1")
	d.Status = "retrying"
	// Rescheduled by its owner, the work stays leased to it.
	must(t, s.Finish(ctx, "me", d, &store.Work{Due: t0.Add(time.Minute), Attempt: 1, Job: []byte("1"), Owner: "me", LeaseUntil: wall.Add(10 * time.Second)}))
	if got := claim(t, s, "other", t0.Add(time.Hour), wall.Add(5*time.Second), 0); len(got) != 0 {
		t.Fatalf("claimed leased work: %+v", got)
	}
	n, err := s.Renew(ctx, "me", wall.Add(time.Minute))
	must(t, err)
	if n != 1 {
		t.Fatalf("renewed %d leases, want 1", n)
	}
	if got := claim(t, s, "other", t0.Add(time.Hour), wall.Add(30*time.Second), 0); len(got) != 0 {
		t.Fatalf("claimed work whose lease was renewed: %+v", got)
	}
	n, err = s.Release(ctx, "me")
	must(t, err)
	if n != 1 {
		t.Fatalf("released %d, want 1", n)
	}
	got = claim(t, s, "other", t0.Add(time.Hour), wall, 0)
	if len(got) != 1 || got[0].DeliveryID != "d1" || got[0].Attempt != 1 || got[0].Reclaimed {
		t.Fatalf("after release: %+v; want d1 claimable, not marked reclaimed", got)
	}
}

func testQueryNewest(t *testing.T, b Backend) {
	s := Open(t, b.Fresh(t), store.Options{})
	all := fill(t, s, 50)
	want := ids(all)
	slices.Reverse(want)
	var got []string
	q := store.Query{Limit: 7, Newest: true}
	for {
		p, err := s.Deliveries(ctx, q)
		must(t, err)
		got = append(got, ids(p.Deliveries)...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("newest first by 7: %v, want %v", got, want)
	}
	p, err := s.Deliveries(ctx, store.Query{Limit: 3, Newest: true, Type: "ta"})
	must(t, err)
	if g := ids(p.Deliveries); !slices.Equal(g, []string{"d48", "d45", "d42"}) {
		t.Fatalf("newest of type ta: %v", g)
	}
}
