package mockserver

import (
	"testing"
	"time"
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
