package generator

import (
	"sync"
	"time"
)

// Call is the shared context of a series of events about one call transfer:
// the events of a call carry the same domain, room, sessions, endpoints and
// sip-refer flag, and strictly increasing timestamps.
//
// The generator uses a call's values wherever a property of the same name
// appears (domain_id, room, session_id, mtg_session_id, from_endpoint,
// to_endpoint, is_sip_refer) and the schema accepts the value; otherwise
// it generates that property as usual. Set the fields before generating;
// a Call may then be used from several goroutines.
type Call struct {
	DomainID     string
	Room         string
	SessionID    string
	MtgSessionID string
	FromEndpoint string
	ToEndpoint   string
	IsSIPRefer   bool
	// DomainName is the Daily domain's subdomain (`api-test-1j8fizhzd30c`):
	// the first segment of recording S3 keys.
	DomainName string

	mu      sync.Mutex
	last    int64
	stamped bool
	meeting // participants and remembered values; see meeting.go
}

// NewCall makes a call with realistic, seed-determined values: uuids for
// the ids, a Daily-style room name, and two endpoints on one SIP host (or,
// sometimes, a phone number as the destination).
func NewCall(seed uint64) *Call { return newCallFrom(newRNG(streamSeed(seed, "call"))) }

// newCallFrom draws a call's values, in the order (and with the draws)
// of the string helpers they stand for: sipHost, UUID, roomName, UUID,
// UUID, sipURI, a chance, domainName, a seed, then sipURI or e164. The
// strings are cut from one allocation: a lone Daily event makes a call of
// its own, and ten strings apiece were a tenth of an event's allocations.
func newCallFrom(r *rng) *Call {
	b := make([]byte, 0, 512)
	var at [9]int // where each value ends in b
	host := len(b)
	b = appendSIPHost(b, r)
	at[0] = len(b)
	b = appendUUID(b, r)
	at[1] = len(b)
	b = appendRoomName(b, r)
	at[2] = len(b)
	b = appendUUID(b, r)
	at[3] = len(b)
	b = appendUUID(b, r)
	at[4] = len(b)
	b = appendSIPURI(b, r, "", b[host:at[0]])
	at[5] = len(b)
	refer := r.chance(0.3)
	b = appendDomainName(b, r)
	at[6] = len(b)
	seed := r.Uint64()
	if r.chance(0.8) {
		b = appendSIPURI(b, r, "", b[host:at[0]])
	} else {
		b = appendE164(b, r)
	}
	at[7] = len(b)
	all := string(b)
	c := &Call{
		DomainID:     all[at[0]:at[1]],
		Room:         all[at[1]:at[2]],
		SessionID:    all[at[2]:at[3]],
		MtgSessionID: all[at[3]:at[4]],
		FromEndpoint: all[at[4]:at[5]],
		IsSIPRefer:   refer,
		DomainName:   all[at[5]:at[6]],
		ToEndpoint:   all[at[6]:at[7]],
	}
	c.meeting.seed = seed
	return c
}

// value returns the call's value for a property name.
func (c *Call) value(name string) (any, bool) {
	var s string
	switch name {
	case "domain_id":
		s = c.DomainID
	case "room", "room_name":
		s = c.Room
	case "session_id":
		s = c.SessionID
	case "mtg_session_id", "meeting_id":
		// Daily's meeting events call the meeting session `meeting_id`.
		s = c.MtgSessionID
	case "user_id", "user_name":
		return c.person(name)
	case "from_endpoint":
		s = c.FromEndpoint
	case "to_endpoint":
		s = c.ToEndpoint
	case "is_sip_refer":
		return c.IsSIPRefer, true
	default:
		return nil, false
	}
	return s, s != ""
}

// stamp returns the Unix seconds of the call's next event: the clock's
// reading, but always after the previous event's, so that a scenario that
// does not advance its clock still gets an ordered series.
func (c *Call) stamp(now time.Time) int64 {
	if c.parent != nil {
		return c.parent.stamp(now)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := now.Unix()
	if c.stamped && s <= c.last {
		s = c.last + 1
	}
	c.last, c.stamped = s, true
	return s
}

// Last returns the Unix seconds of the call's latest event, and false
// before the first one.
func (c *Call) Last() (int64, bool) {
	if c.parent != nil {
		return c.parent.Last()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last, c.stamped
}
