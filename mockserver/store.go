package mockserver

import (
	"sync"
)

// Store keeps the delivery log. It is in memory for now; a durable store
// can implement the same interface.
type Store interface {
	// Add records a new delivery.
	Add(d *Delivery)
	// Update applies f to the delivery with id, if it is still kept.
	Update(id string, f func(*Delivery))
	// List returns copies of the deliveries that match, oldest first.
	List(f Filter) []Delivery
	// Reset forgets every delivery that is terminal; live ones stay so
	// that their outcome is still recorded.
	Reset()
	// Stats counts kept and evicted records.
	Stats() StoreStats
}

// Filter selects deliveries; empty fields match everything.
type Filter struct {
	WebhookUUID string
	EventType   string
	EventID     string
	Status      Status
}

func (f Filter) match(d *Delivery) bool {
	return (f.WebhookUUID == "" || f.WebhookUUID == d.WebhookUUID) &&
		(f.EventType == "" || f.EventType == d.EventType) &&
		(f.EventID == "" || f.EventID == d.EventID) &&
		(f.Status == "" || f.Status == d.Status)
}

// memStore is a bounded in-memory log. Past its cap it evicts the oldest
// terminal records (never a live one, whose outcome is still to come) and
// counts them.
type memStore struct {
	mu      sync.Mutex
	cap     int
	byID    map[string]*Delivery
	order   []*Delivery // insertion order; evicted entries are removed lazily
	evicted int
}

func newMemStore(cap int) *memStore {
	return &memStore{cap: cap, byID: map[string]*Delivery{}}
}

func (s *memStore) Add(d *Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[d.ID] = d
	s.order = append(s.order, d)
	if s.cap > 0 && len(s.byID) > s.cap {
		// Evict a tenth of the cap at once, so that a full log costs one
		// scan per cap/10 deliveries rather than one per delivery.
		s.evictLocked(len(s.byID) - s.cap + s.cap/10)
	}
}

func (s *memStore) evictLocked(n int) {
	kept := s.order[:0]
	for _, d := range s.order {
		if _, live := s.byID[d.ID]; !live {
			continue
		}
		if n > 0 && d.Status.Terminal() {
			delete(s.byID, d.ID)
			s.evicted++
			n--
			continue
		}
		kept = append(kept, d)
	}
	clear(s.order[len(kept):])
	s.order = kept
}

func (s *memStore) Update(id string, f func(*Delivery)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.byID[id]; ok {
		f(d)
	}
}

func (s *memStore) List(f Filter) []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Delivery{}
	for _, d := range s.order {
		if _, live := s.byID[d.ID]; live && f.match(d) {
			out = append(out, d.Clone())
		}
	}
	return out
}

func (s *memStore) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.order[:0]
	for _, d := range s.order {
		if cur, live := s.byID[d.ID]; live && cur == d {
			if d.Status.Terminal() {
				delete(s.byID, d.ID)
				continue
			}
			kept = append(kept, d)
		}
	}
	clear(s.order[len(kept):])
	s.order = kept
}

func (s *memStore) Stats() StoreStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return StoreStats{Kept: len(s.byID), Evicted: s.evicted, Cap: s.cap}
}
