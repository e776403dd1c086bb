package generator

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
)

// Daily's envelopes (version, type, id, payload, event_ts) carry values
// that relate to each other; a schema cannot say so, so they are derived
// here. An event gets this treatment when its body has that shape: `type`,
// `payload` (an object) and `event_ts` properties. Which id it gets is
// data: a template per event type, or per family of types.

// dailyIDs are Daily's observed id patterns (the catalogue's id table,
// ../shared/domain/daily-events.md §1). A placeholder names a payload
// field ({session_id}, {meeting_id}, {user_id}, {instance_id}, {id} for
// payload.id), {timestamp} the event's Unix seconds, {start_s}/{end_s}
// the whole seconds of payload.start_ts/end_ts, {ms} event_ts in
// milliseconds, and {nonce} 8 random hex digits. Patterns marked "assumed"
// are for events whose example Daily did not publish: they follow the
// family's.
var dailyIDs = map[string]string{
	"calltransfer.triggered": "3602-call-transfer-trig-{session_id}{timestamp}",
	"calltransfer.initiated": "3602-call-transfer-init-{session_id}{timestamp}",
	"calltransfer.completed": "3602-call-transfer-completed-{session_id}{timestamp}",
	// Daily published no calltransfer.answered example, so its id is
	// unknown. "ans" mirrors Daily's dial-out ids (`2868-dial-out-ans-…`).
	"calltransfer.answered": "3602-call-transfer-ans-{session_id}{timestamp}",
	// Daily's example id carries only the second; two rooms ready in the
	// same second would share it, and the id is consumers' de-duplication
	// key, so a nonce keeps hookmock's ids distinct.
	"dialin.ready":      "3602-dial-in-ready-{timestamp}-{nonce}",
	"dialin.connected":  "2868-dial-in-con-{session_id}",
	"dialin.stopped":    "2868-dial-in-stop-{session_id}",
	"dialin.warning":    "2868-dial-in-warn-{session_id}",
	"dialin.error":      "2868-dial-in-err-{session_id}", // assumed
	"dialout.connected": "2868-dial-out-con-{session_id}",
	"dialout.answered":  "2868-dial-out-ans-{session_id}",
	"dialout.stopped":   "2868-dial-out-stop-{session_id}",
	"dialout.warning":   "2868-dial-out-warn-{session_id}",
	"dialout.error":     "2868-dial-out-err-{session_id}",

	"meeting.started":              "met-sta-{meeting_id}-{start_s}",
	"meeting.ended":                "met-end-{meeting_id}-{end_s}",
	"participant.joined":           "ptcpt-join-{user_id}-{ms}",
	"participant.left":             "ptcpt-left-{user_id}-{ms}",   // assumed
	"waiting-participant.joined":   "1-w-ptcpt-join-{session_id}", // assumed
	"waiting-participant.left":     "1-w-ptcpt-left-{session_id}",
	"recording.started":            "rec-sta-{instance_id}-{start_s}",
	"recording.ready-to-download":  "rec-rtd-{instance_id}-{timestamp}",
	"recording.error":              "rec-err-{instance_id}-{timestamp}",
	"transcript.started":           "3431-tra-sta-{id}", // assumed
	"transcript.ready-to-download": "3431-tra-rtd-{id}", // assumed
	"transcript.error":             "3431-tra-err-{id}",
	"streaming.started":            "str-sta-{instance_id}-{timestamp}",
	"streaming.updated":            "str-upd-{instance_id}-{timestamp}", // assumed
	"streaming.ended":              "str-end-{instance_id}-{timestamp}", // assumed
	"streaming.error":              "str-err-{instance_id}-{timestamp}",
	"streaming.warning":            "str-warn-{instance_id}-{timestamp}", // assumed
	"batch-processor.job-finished": "bp-jf-{id}",
	"batch-processor.error":        "bp-je-{id}",
}

// dailyIDFamilies cover types of a family not listed above; {event} is
// the part of the type after the family prefix.
var dailyIDFamilies = []struct{ prefix, template string }{
	{"calltransfer.", "3602-call-transfer-{event}-{session_id}{timestamp}"},
}

// Daily sends event_ts "slightly later" than the event's timestamp; the
// docs' examples are 0.25 s apart. Delays are drawn in milliseconds so
// event_ts never has more than three decimals.
const (
	minDeliveryDelayMs = 50
	maxDeliveryDelayMs = 900
)

// dailyPlan is the envelope treatment of one event, or nil when the event
// is not a Daily envelope. Values it cannot vouch for (the schema rejects
// them) are left to ordinary generation.
type dailyPlan struct {
	id      []idPart // nil when Daily documents no id pattern for the type
	version string   // e.Version, when the schema accepts it

	versionProp, idProp, eventTSProp *prop
	tsProp                           *prop // payload.timestamp, when declared
	payloadProp                      *prop
	// shaped is a payload property the type's shape builds whole, so
	// ordinary generation of it would be thrown away (nil: none).
	shaped   *prop
	typ      string
	docForms bool // see WithDocumentedForms
	// tsString says whether payload.timestamp is written as a digit
	// string (Daily's examples) rather than an integer (Daily's docs).
	tsString bool
	tsOK     bool
	eventTS  bool
	// versionV is version as a generated value, boxed once.
	versionV any
	// second is the last second's text and timestamp value: the events of
	// one second share them, instead of formatting and boxing them anew.
	second atomic.Pointer[secondText]
}

// secondText is one Unix second as makeID writes it and as
// payload.timestamp's value.
type secondText struct {
	seconds int64
	digits  string
	value   any
}

// secondOf is the text of Unix second s.
func (d *dailyPlan) secondOf(s int64) *secondText {
	if t := d.second.Load(); t != nil && t.seconds == s {
		return t
	}
	digits := strconv.FormatInt(s, 10)
	t := &secondText{seconds: s, digits: digits, value: timestampValue(digits, d.tsString)}
	d.second.Store(t)
	return t
}

// idPart is a literal, or a placeholder when field is set.
type idPart struct {
	lit, field string
}

func parseIDTemplate(tmpl, event string) []idPart {
	var parts []idPart
	for tmpl != "" {
		open := strings.IndexByte(tmpl, '{')
		end := strings.IndexByte(tmpl, '}')
		if open < 0 || end < open {
			parts = append(parts, idPart{lit: tmpl})
			break
		}
		if open > 0 {
			parts = append(parts, idPart{lit: tmpl[:open]})
		}
		if name := tmpl[open+1 : end]; name == "event" {
			parts = append(parts, idPart{lit: event})
		} else {
			parts = append(parts, idPart{field: name})
		}
		tmpl = tmpl[end+1:]
	}
	return parts
}

func idTemplate(typ string) []idPart {
	if t, ok := dailyIDs[typ]; ok {
		return parseIDTemplate(t, "")
	}
	for _, f := range dailyIDFamilies {
		if rest, ok := strings.CutPrefix(typ, f.prefix); ok {
			return parseIDTemplate(f.template, rest)
		}
	}
	return nil
}

func planDaily(typ, version string, root *node, integerTS, docForms bool) *dailyPlan {
	if root.err != nil || len(root.alts) > 0 {
		return nil
	}
	get := func(n *node, name string) *prop {
		if p := n.prop(name); p != nil && p.n.err == nil {
			return p
		}
		return nil
	}
	d := &dailyPlan{versionProp: get(root, "version"), idProp: get(root, "id"), eventTSProp: get(root, "event_ts")}
	payload := get(root, "payload")
	if payload == nil || len(payload.n.props) == 0 || d.eventTSProp == nil || get(root, "type") == nil {
		return nil
	}
	d.payloadProp, d.typ, d.docForms = payload, typ, docForms
	if name := shapedWhole[typ]; name != "" {
		// Only where an empty object is valid: the shape adds to it what
		// the schema accepts, and nothing else.
		if pr := get(payload.n, name); pr != nil && pr.n.accepts(newObject(0), 0) {
			d.shaped = pr
		}
	}
	integerTS = integerTS || docForms || integerTimestampForm(typ)
	if d.idProp != nil {
		d.id = idTemplate(typ)
	}
	if d.versionProp != nil && version != "" && d.versionProp.n.accepts(version, 0) {
		d.version, d.versionV = version, version
	}
	// Acceptance of a timestamp does not depend on which second it is, so
	// one sample decides the form for every event.
	sample := strconv.FormatInt(Epoch.Unix(), 10)
	if d.tsProp = get(payload.n, "timestamp"); d.tsProp != nil {
		for _, asString := range []bool{!integerTS, integerTS} {
			if d.tsProp.n.accepts(timestampValue(sample, asString), 0) {
				d.tsString, d.tsOK = asString, true
				break
			}
		}
	}
	d.eventTS = d.eventTSProp.n.accepts(millisNumber(Epoch.Unix()*1000+250), 0)
	return d
}

func timestampValue(digits string, asString bool) any {
	if asString {
		return digits
	}
	return json.Number(digits)
}

// preset gives the value Daily's conventions assign to a property. The id
// is a placeholder until derive, because it depends on the payload.
func (d *dailyPlan) preset(c *genCtx, pr *prop) (any, bool) {
	switch pr {
	case d.versionProp:
		return d.versionV, d.version != ""
	case d.tsProp:
		return d.secondOf(c.seconds).value, d.tsOK
	case d.eventTSProp:
		return millisNumber(c.seconds*1000 + c.delayMs), d.eventTS
	case d.idProp:
		return nil, d.id != nil
	case d.shaped:
		// The shape builds it whole; an empty object holds its place.
		return newObject(2), true
	}
	return nil, false
}

// clocked says whether preset writes pr from the clock.
func (d *dailyPlan) clocked(pr *prop) bool { return pr == d.tsProp || pr == d.eventTSProp }

// derive computes id and event_ts from the final payload, so that an
// override of payload.timestamp or payload.session_id carries through;
// properties the caller overrode are left alone.
func (d *dailyPlan) derive(c *genCtx, body *object, overridden func(ptr string) bool) error {
	d.shape(c, body, overridden)
	seconds := c.seconds
	payload, _ := lookupIn(body, "payload").(*object)
	if payload != nil {
		if s, ok := unixSeconds(lookupIn(payload, "timestamp")); ok {
			seconds = s
		}
	}
	// preset already wrote event_ts from the event's own moment; only an
	// overridden timestamp moves it.
	if i := body.index("event_ts"); i >= 0 && seconds != c.seconds && !overridden("/event_ts") && d.eventTS {
		body.m[i].v = millisNumber(seconds*1000 + c.delayMs)
	}
	i := body.index("id")
	if i < 0 || d.id == nil || overridden("/id") {
		return nil
	}
	if id, ok := d.makeID(c, payload, seconds); ok && d.idProp.n.accepts(id, 0) {
		body.m[i].v = id
		return nil
	}
	if body.m[i].v == nil {
		v, err := c.value(d.idProp.n, d.idProp.hint, 1)
		if err != nil {
			return err
		}
		body.m[i].v = v
	}
	return nil
}

func (d *dailyPlan) makeID(c *genCtx, payload *object, seconds int64) (string, bool) {
	var b strings.Builder
	b.Grow(80)
	for _, p := range d.id {
		switch p.field {
		case "":
			b.WriteString(p.lit)
		case "timestamp":
			b.WriteString(d.secondOf(seconds).digits)
		case "ms":
			b.WriteString(strconv.FormatInt(seconds*1000+c.delayMs, 10))
		case "nonce":
			b.WriteString(strconv.FormatUint(0x1_0000_0000|uint64(c.r.Uint32()), 16)[1:])
		case "start_s", "end_s":
			s, ok := wholeSeconds(lookupPayload(payload, strings.TrimSuffix(p.field, "_s")+"_ts"))
			if !ok {
				return "", false
			}
			b.WriteString(strconv.FormatInt(s, 10))
		default:
			v, _ := lookupPayload(payload, p.field).(string)
			switch {
			case v == "" && p.field == "user_id":
				// A tokenless participant has no user id; its session
				// still identifies it.
				v, _ = lookupPayload(payload, "session_id").(string)
			case v == "" && p.field == "instance_id" && c.call != nil:
				// recording.ready-to-download carries no instance id; its
				// recording's is the one in its id.
				fam, _, _ := strings.Cut(d.typ, ".")
				if iv, ok := c.call.recall(fam + ".instance_id"); ok {
					v, _ = iv.(string)
				}
			}
			if v == "" {
				return "", false
			}
			b.WriteString(v)
		}
	}
	return b.String(), true
}

func lookupPayload(payload *object, k string) any {
	if payload == nil {
		return nil
	}
	return lookupIn(payload, k)
}

// wholeSeconds reads Unix seconds written as a JSON number, integral or
// fractional, or as a digit string.
func wholeSeconds(v any) (int64, bool) {
	if n, ok := v.(json.Number); ok {
		if i := strings.IndexByte(string(n), '.'); i >= 0 {
			v = json.Number(string(n)[:i])
		}
	}
	return unixSeconds(v)
}

func lookupIn(o *object, k string) any {
	v, _ := o.get(k)
	return v
}

func unixSeconds(v any) (int64, bool) {
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case json.Number:
		s = string(t)
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// millisNumber writes milliseconds as fractional seconds with at most
// three decimals and no trailing zeros: 1770005095250 → 1770005095.25.
func millisNumber(ms int64) json.Number {
	var buf [24]byte
	b := strconv.AppendInt(buf[:0], ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return json.Number(b)
}

var sipHosts = []string{"sip.twilio.com", "sip.telnyx.com", "sip.vonage.com", "sip.plivo.com", "sip.example.com", "pbx.example.net"}

// sipURI builds sip:user@host. A call's two endpoints share a host, as in
// Daily's examples (user-a@…my-domain.com, user-b@…my-domain.com).
func sipURI(r *rng, user, host string) string {
	if user == "" {
		user = pick(r, firstNames)
	}
	if host == "" {
		host = sipHost(r)
	}
	var b [96]byte
	return string(appendSIPURI(b[:0], r, user, host))
}

// appendSIPURI appends sip:user@host (or sips:), drawing a user when user
// is "": sipURI with the host drawn already.
func appendSIPURI[H string | []byte](b []byte, r *rng, user string, host H) []byte {
	if user == "" {
		user = pick(r, firstNames)
	}
	scheme := "sip:"
	if r.chance(0.1) {
		scheme = "sips:"
	}
	return append(append(append(append(b, scheme...), user...), '@'), host...)
}

func sipHost(r *rng) string {
	var b [64]byte
	return string(appendSIPHost(b[:0], r))
}

func appendSIPHost(b []byte, r *rng) []byte {
	b = append(b, pick(r, nouns)...)
	return append(append(b, '.'), sipHosts[r.IntN(len(sipHosts))]...)
}

// e164 makes a North American number in the 555-01xx block, which is
// reserved for fiction: it looks real and reaches nobody.
func e164(r *rng) string {
	var b [16]byte
	return string(appendE164(b[:0], r))
}

func appendE164(b []byte, r *rng) []byte {
	area := 201 + r.IntN(789)
	b = strconv.AppendInt(append(b, "+1"...), int64(area), 10)
	return strconv.AppendInt(append(b, "55501"...), int64(10+r.IntN(90)), 10)
}
