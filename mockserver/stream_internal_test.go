package mockserver

import (
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// A client behind the ring is told to reload, and continues from the
// newest entry.
func TestStreamRingTellsLateClientsToReload(t *testing.T) {
	s := newStream(4)
	for range 6 {
		s.publish(ChangeUpdated, time.Time{}, nil, nil, nil)
	}
	if _, gap, newest, _ := s.since(1, 100); !gap || newest != 6 {
		t.Fatalf("from 1 of 6 in a ring of 4: gap %v newest %d", gap, newest)
	}
	got, gap, _, _ := s.since(2, 100)
	if gap || len(got) != 4 || got[0].ID != 3 || got[3].ID != 6 {
		t.Fatalf("from 2: gap %v %+v", gap, got)
	}
	if got, _, _, _ := s.since(6, 100); len(got) != 0 {
		t.Fatalf("from the newest: %+v", got)
	}
}

// Every change of every delivery is published, watched or not: a publish
// allocates nothing once the ring has room, and one channel when a
// client waits for it. The entries read back carry the rows published.
func TestStreamPublishAllocatesNothing(t *testing.T) {
	s := newStream(StreamBuffer)
	now := time.Unix(1770005095, 0).UTC()
	d := &Delivery{ID: "dlv_1", Status: StatusDelivered, Faults: []string{"drip"},
		Attempts: []Attempt{{N: 1, At: now, Outcome: "success", Response: &wire.GotResponse{Status: 200}}}}
	publish := func() { s.publish(ChangeAttempt, now, d, &d.Attempts[0], nil) }
	publish() // the ring's first chunk
	if n := testing.AllocsPerRun(1000, publish); n != 0 {
		t.Errorf("publish with no one waiting: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { s.since(s.newest(), 1); publish() }); n != 1 {
		t.Errorf("publish after since handed out the wake channel: %v allocations, want 1 (the next channel)", n)
	}
	got, _, _, wake := s.since(0, 1)
	if len(got) != 1 || got[0].ID != 1 || got[0].Delivery == nil || got[0].Delivery.ID != "dlv_1" || got[0].Delivery.LastStatus != 200 ||
		got[0].Attempt == nil || got[0].Attempt.Status != 200 || got[0].Webhook != nil {
		t.Fatalf("entry 1 read back as %+v", got)
	}
	publish()
	select {
	case <-wake:
	default:
		t.Fatal("the wake channel since handed out was not closed by the next publish")
	}
}
