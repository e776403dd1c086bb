package generator

import "strconv"

// A Daily meeting has people in it, and its events refer back to each
// other: a participant.left carries the joined_at of its
// participant.joined, a recording.ready-to-download the start of its
// recording.started, a meeting.ended the moment the last participant
// left. A Call holds that shared state: participants, drawn from the
// call's seed, and the values one event fixes and later ones reuse.

// meeting is the part of a Call that participants and remembered values
// need. The zero value works: a Call made as a literal gets participants
// drawn from seed 0.
type meeting struct {
	seed uint64
	// parent is the call a participant view belongs to; nil for the call.
	parent *Call
	// user is the participant of a view (nil for the call itself).
	user *Participant
	// facts are values one event fixed for the ones after it, by key.
	facts map[string]any
}

// Participant is one person, or SIP device, in a call's meeting.
type Participant struct {
	Index     int
	SessionID string
	UserID    string
	UserName  string
}

// Participant returns participant i of the call's meeting (i ≥ 0) as a
// call of its own: the same room, meeting, domain and clock, with the
// participant's session_id, user_id and user_name. Participant 0 is the
// call's own session, the SIP participant of a call transfer. The same i
// always gives the same person.
func (c *Call) Participant(i int) *Call {
	root := c.root()
	p := root.participant(i)
	return &Call{
		DomainID: root.DomainID, Room: root.Room, SessionID: p.SessionID, MtgSessionID: root.MtgSessionID,
		FromEndpoint: root.FromEndpoint, ToEndpoint: root.ToEndpoint, IsSIPRefer: root.IsSIPRefer,
		DomainName: root.DomainName,
		meeting:    meeting{parent: root, user: &p},
	}
}

// Who returns the participant a call stands for: its own for a view made
// by Participant, participant 0 otherwise.
func (c *Call) Who() Participant {
	if c.user != nil {
		return *c.user
	}
	return c.root().participant(0)
}

func (c *Call) root() *Call {
	if c.parent != nil {
		return c.parent
	}
	return c
}

// participant draws participant i once per call: a fresh random stream
// costs more than the rest of a small event.
func (c *Call) participant(i int) Participant {
	return c.remember("participant:"+strconv.Itoa(i), func() any {
		r := newRNG(streamSeed(c.meeting.seed^uint64(i)*0x9e3779b97f4a7c15, "participant"))
		p := Participant{Index: i, SessionID: r.UUID(), UserID: r.UUID(), UserName: r.Name()}
		if i == 0 && c.SessionID != "" {
			p.SessionID = c.SessionID
		}
		return p
	}).(Participant)
}

func (c *Call) person(field string) (any, bool) {
	p := c.Who()
	switch field {
	case "user_id":
		return p.UserID, p.UserID != ""
	case "user_name":
		return p.UserName, p.UserName != ""
	}
	return nil, false
}

// remember returns the call's value for key, fixing it with make the
// first time. Keys are per family ("recording.instance_id") or per
// participant session ("joined:<session>").
func (c *Call) remember(key string, make func() any) any {
	root := c.root()
	root.mu.Lock()
	defer root.mu.Unlock()
	if v, ok := root.facts[key]; ok {
		return v
	}
	v := make()
	if root.facts == nil {
		root.facts = map[string]any{}
	}
	root.facts[key] = v
	return v
}

// note sets key to v, replacing an earlier value.
func (c *Call) note(key string, v any) {
	root := c.root()
	root.mu.Lock()
	defer root.mu.Unlock()
	if root.facts == nil {
		root.facts = map[string]any{}
	}
	root.facts[key] = v
}

// recall returns a value noted or remembered earlier.
func (c *Call) recall(key string) (any, bool) {
	root := c.root()
	root.mu.Lock()
	defer root.mu.Unlock()
	v, ok := root.facts[key]
	return v, ok
}

// Daily's generated room names are 20 letters and digits
// (`TrPmUX1DzjSwDaAFDfNj`, `Xcm97xRZ08b2dePKb78g`).
const roomAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func roomName(r *rng) string {
	var b [20]byte
	return string(appendRoomName(b[:0], r))
}

func appendRoomName(b []byte, r *rng) []byte {
	for range 20 {
		b = append(b, roomAlphabet[r.IntN(len(roomAlphabet))])
	}
	return b
}

// appendDomainName appends a Daily subdomain such as
// `api-test-1j8fizhzd30c`: a word or two and, for generated ones, a
// base-36 suffix.
func appendDomainName(b []byte, r *rng) []byte {
	b = append(b, pick(r, nouns)...)
	if r.chance(0.5) {
		b = append(append(b, '-'), pick(r, nouns)...)
	}
	b = append(b, '-')
	for range 12 {
		b = append(b, base36[r.IntN(len(base36))])
	}
	return b
}

const base36 = "0123456789abcdefghijklmnopqrstuvwxyz"
