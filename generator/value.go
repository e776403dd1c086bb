package generator

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/hookmock/hookmock/internal/jsonstr"
)

// Generated values are plain JSON values except that objects keep their
// key order: nil, bool, string, json.Number, []any and *object. Numbers
// stay json.Number so that the bytes written are the digits chosen, with no
// float round trip.

// object is a JSON object in generation order.
type object struct {
	m []member
}

type member struct {
	k string
	v any
}

// newObject makes an object with room for n members. Up to 16 the room
// comes in the same allocation as the object: an event makes several.
func newObject(n int) *object {
	switch {
	case n <= 0:
		return &object{m: []member{}}
	case n <= 4:
		b := new(object4)
		return b.with(b.room[:])
	case n <= 8:
		b := new(object8)
		return b.with(b.room[:])
	case n <= 16:
		b := new(object16)
		return b.with(b.room[:])
	}
	return &object{m: make([]member, 0, n)}
}

// Objects and their room in one allocation, for newObject.
type (
	object4 struct {
		object
		room [4]member
	}
	object8 struct {
		object
		room [8]member
	}
	object16 struct {
		object
		room [16]member
	}
)

// with gives o the room to fill.
func (o *object) with(room []member) *object {
	o.m = room[:0]
	return o
}

func (o *object) index(k string) int {
	for i := range o.m {
		if o.m[i].k == k {
			return i
		}
	}
	return -1
}

func (o *object) get(k string) (any, bool) {
	if i := o.index(k); i >= 0 {
		return o.m[i].v, true
	}
	return nil, false
}

// add appends k, which the caller knows is not there yet.
func (o *object) add(k string, v any) { o.m = append(o.m, member{k, v}) }

// set replaces k's value in place, or appends k.
func (o *object) set(k string, v any) {
	if i := o.index(k); i >= 0 {
		o.m[i].v = v
		return
	}
	o.add(k, v)
}

func (o *object) del(k string) bool {
	i := o.index(k)
	if i < 0 {
		return false
	}
	o.m = append(o.m[:i], o.m[i+1:]...)
	return true
}

// insert puts k back at position i, undoing a del.
func (o *object) insert(i int, k string, v any) {
	o.m = append(o.m, member{})
	copy(o.m[i+1:], o.m[i:])
	o.m[i] = member{k, v}
}

// clone copies a generated value deeply, so that a negative variant never
// shares structure with the valid event it came from.
func clone(v any) any {
	switch t := v.(type) {
	case *object:
		c := &object{m: make([]member, len(t.m))}
		for i, x := range t.m {
			c.m[i] = member{x.k, clone(x.v)}
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = clone(x)
		}
		return c
	}
	return v
}

// appendJSON writes v as compact JSON. Unlike encoding/json it does not
// escape <, > and &: webhook bodies are not embedded in HTML, and Daily's
// examples carry such characters verbatim.
func appendJSON(b []byte, v any) []byte {
	switch t := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, t)
	case string:
		return appendString(b, t)
	case json.Number:
		return append(b, t...)
	case *object:
		b = append(b, '{')
		for i, x := range t.m {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, x.k)
			b = append(b, ':')
			b = appendJSON(b, x.v)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, x := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, x)
		}
		return append(b, ']')
	}
	// Unreachable for values built by this package; keep the output valid.
	return append(b, "null"...)
}

// appendString writes s as encoding/json does with HTML escaping off.
func appendString(b []byte, s string) []byte { return jsonstr.Append(b, s, false) }

// fromJSON converts a decoded JSON value (maps, json.Number or float64)
// into the generator's representation, with map keys sorted so the result
// is deterministic.
func fromJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(t))
		o := newObject(len(keys))
		for _, k := range keys {
			o.add(k, fromJSON(t[k]))
		}
		return o
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = fromJSON(x)
		}
		return c
	case float64:
		return json.Number(strconv.FormatFloat(t, 'g', -1, 64))
	case int:
		return json.Number(strconv.Itoa(t))
	case int64:
		return json.Number(strconv.FormatInt(t, 10))
	}
	return v
}

// jsonType names the JSON type of a generated value.
func jsonType(v any) jtype {
	switch t := v.(type) {
	case nil:
		return tNull
	case bool:
		return tBoolean
	case string:
		return tString
	case json.Number:
		if isIntegral(t) {
			return tInteger
		}
		return tNumber
	case *object:
		return tObject
	case []any:
		return tArray
	}
	return 0
}
