package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
)

// The memory store keeps a delivery's event id inside its document when it
// is there and beside it when not, and terminal records in shared slabs:
// every record still reads back as it was written, and no caller shares
// bytes with the store (or, through a slab, with another record).
func TestMemoryCompactRecords(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory(store.Options{})
	t0 := time.Unix(1770005095, 123456789)
	var ds []store.Delivery
	var work []store.Work
	for i := range 300 {
		id, ev := fmt.Sprintf("d%03d", i), fmt.Sprintf("event-%03d", i)
		doc := fmt.Appendf(nil, `{"id":%q,"event":%q}`, id, ev)
		switch i % 3 {
		case 1:
			doc = fmt.Appendf(nil, `{"id":%q}`, id) // the event id not in it
		case 2:
			ev = "" // none
		}
		ds = append(ds, store.Delivery{ID: id, WebhookUUID: "w", EventType: "t", EventID: ev, Status: "pending",
			CreatedAt: t0.Add(time.Duration(i) * time.Second), UpdatedAt: t0, Doc: doc})
		work = append(work, store.Work{DeliveryID: id, Due: t0, Job: []byte("{}")})
	}
	if err := m.Enqueue(ctx, ds, work); err != nil {
		t.Fatal(err)
	}
	for i := range ds {
		ds[i].Doc[0] = 'X' // the caller's bytes are the caller's
	}
	claimed, err := m.ClaimWork(ctx, store.Claim{Owner: "o", Now: t0, WallNow: time.Now(), Lease: time.Hour})
	if err != nil || len(claimed) != len(ds) {
		t.Fatal(len(claimed), err)
	}
	want := map[string]store.Delivery{}
	for i, d := range ds {
		d.Doc = bytes.Replace(append([]byte{'{'}, d.Doc[1:]...), []byte(`"}`), []byte(`","done":true}`), 1)
		d.Status, d.Terminal, d.UpdatedAt = "delivered", i%2 == 0, t0.Add(time.Hour)
		if !d.Terminal {
			d.Status = "retrying"
		}
		if err := m.Finish(ctx, "o", d, nil); err != nil {
			t.Fatal(err)
		}
		d.Doc[len(d.Doc)-1] = 'X'
		d.Doc = append(d.Doc[:len(d.Doc)-1:len(d.Doc)-1], '}')
		want[d.ID] = d
	}
	check := func(got store.Delivery) {
		t.Helper()
		w := want[got.ID]
		if got.EventID != w.EventID || got.Status != w.Status || got.Terminal != w.Terminal || string(got.Doc) != string(w.Doc) ||
			!got.CreatedAt.Equal(w.CreatedAt) || !got.UpdatedAt.Equal(w.UpdatedAt) || got.WebhookUUID != "w" || got.EventType != "t" {
			t.Fatalf("read %+v (doc %s)\nwant %+v (doc %s)", got, got.Doc, w, w.Doc)
		}
	}
	p, err := m.Deliveries(ctx, store.Query{Limit: store.MaxLimit})
	if err != nil || len(p.Deliveries) != len(ds) {
		t.Fatal(len(p.Deliveries), err)
	}
	for _, got := range p.Deliveries {
		check(got)
		got.Doc[1] = 'X' // a reader's bytes are the reader's too
	}
	for id := range want {
		got, err := m.Delivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		check(got)
		if w := want[id]; w.EventID != "" {
			q, err := m.Deliveries(ctx, store.Query{Event: w.EventID})
			if err != nil || len(q.Deliveries) != 1 || q.Deliveries[0].ID != id {
				t.Fatalf("by event %q: %v %v", w.EventID, q.Deliveries, err)
			}
		}
	}
	// A terminal record no longer changes; a live one still does.
	if err := m.SaveDelivery(ctx, want["d000"]); err != store.ErrTerminal {
		t.Fatalf("saving a terminal record: %v", err)
	}
	live := want["d001"]
	live.Doc = []byte(`{"again":1}`)
	if err := m.SaveDelivery(ctx, live); err != nil {
		t.Fatal(err)
	}
	want["d001"] = live
	got, _ := m.Delivery(ctx, "d001")
	check(got)
}
