package generator

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Daily's payloads carry values that relate to each other and to the
// meeting they happen in: a duration is the gap between a start and an
// end, an S3 key names the domain, the room and the recording's start in
// milliseconds, a recording.ready-to-download repeats its
// recording.started's ids. A schema cannot say so, so a shape per event
// type sets them after ordinary generation. Every value is checked against
// the property's schema first and left alone when the schema refuses it
// (another contract may reuse Daily's type names) or when the caller
// overrode it; a property is only written when generation put it there,
// so optional properties keep their presence.

// shapes are keyed by event type.
var shapes = map[string]func(*shaper){
	"meeting.started":              shapeMeetingStarted,
	"meeting.ended":                shapeMeetingEnded,
	"participant.joined":           func(s *shaper) { s.joined("joined") },
	"participant.left":             func(s *shaper) { s.left("joined", true) },
	"waiting-participant.joined":   func(s *shaper) { s.joined("knocked") },
	"waiting-participant.left":     func(s *shaper) { s.left("knocked", false) },
	"recording.started":            shapeRecordingStarted,
	"recording.ready-to-download":  shapeRecordingReady,
	"recording.error":              shapeRecordingError,
	"transcript.started":           func(s *shaper) { s.transcript("t_in_progress", false) },
	"transcript.ready-to-download": func(s *shaper) { s.transcript("t_completed", true) },
	"transcript.error":             func(s *shaper) { s.transcript("t_failed", true) },
	"streaming.started":            func(s *shaper) { s.streaming("") },
	"streaming.updated":            func(s *shaper) { s.streaming("") },
	"streaming.ended":              func(s *shaper) { s.streaming("") },
	"streaming.warning":            func(s *shaper) { s.streaming("warning") },
	"streaming.error":              func(s *shaper) { s.streaming("error") },
	"dialin.ready":                 shapeDialinReady,
	"dialin.connected":             func(s *shaper) { s.dialin("") },
	"dialin.stopped":               func(s *shaper) { s.dialin("") },
	"dialin.warning":               func(s *shaper) { s.dialin("warning") },
	"dialin.error":                 func(s *shaper) { s.dialin("error") },
	"dialout.connected":            func(s *shaper) { s.dialout("") },
	"dialout.answered":             func(s *shaper) { s.dialout("") },
	"dialout.stopped":              func(s *shaper) { s.dialout("") },
	"dialout.warning":              func(s *shaper) { s.dialout("") },
	"dialout.error":                func(s *shaper) { s.dialout("error") },
	"batch-processor.job-finished": func(s *shaper) { s.batch(false) },
	"batch-processor.error":        func(s *shaper) { s.batch(true) },
}

// shapedWhole names, per type, a payload object the shape builds from
// nothing (batch output files are the bulk of that event).
var shapedWhole = map[string]string{"batch-processor.job-finished": "output"}

// integerTimestampTypes send payload.timestamp as a JSON integer in
// Daily's examples (and docs); every other family's examples send a
// digit string.
func integerTimestampForm(typ string) bool { return strings.HasPrefix(typ, "streaming.") }

type shaper struct {
	c    *genCtx
	call *Call
	p    *object // payload
	n    *node   // payload schema
	skip func(ptr string) bool
	doc  bool // Daily's documented forms rather than its examples'
	// at is the event's moment in Unix milliseconds: its timestamp, and
	// a little before event_ts.
	at int64
}

func (d *dailyPlan) shape(c *genCtx, body *object, overridden func(string) bool) {
	fn := shapes[d.typ]
	if fn == nil || d.payloadProp == nil || c.call == nil {
		return
	}
	p, ok := lookupIn(body, "payload").(*object)
	if !ok {
		return
	}
	s := &shaper{c: c, call: c.call, p: p, n: d.payloadProp.n, skip: overridden, doc: d.docForms}
	// Daily sends event_ts "slightly later" than the event: the event
	// happens somewhere inside the delivery delay.
	s.at = c.seconds*1000 + c.delayMs/2
	fn(s)
}

// set writes a top-level payload property generation already produced.
func (s *shaper) set(name string, v any) { s.setIn(s.p, s.n, "/payload", name, v, false) }

// put writes it even when generation left it out.
func (s *shaper) put(name string, v any) { s.setIn(s.p, s.n, "/payload", name, v, true) }

func (s *shaper) setIn(o *object, n *node, ptr, name string, v any, add bool) bool {
	if o == nil || n == nil || s.skip(ptr+"/"+name) {
		return false
	}
	pr := n.prop(name)
	if pr == nil || !pr.n.accepts(v, 0) {
		return false
	}
	if i := o.index(name); i >= 0 {
		o.m[i].v = v
		return true
	}
	if add {
		o.add(name, v)
		return true
	}
	return false
}

// child returns a nested object of the payload with its schema.
func (s *shaper) child(o *object, n *node, name string) (*object, *node) {
	if o == nil || n == nil {
		return nil, nil
	}
	pr := n.prop(name)
	co, ok := lookupIn(o, name).(*object)
	if pr == nil || !ok {
		return nil, nil
	}
	return co, pr.n
}

func (s *shaper) has(name string) bool { return s.p.index(name) >= 0 }

// millis remembers a moment in Unix milliseconds under key.
func (s *shaper) millis(key string, make func() int64) int64 {
	return s.call.remember(key, func() any { return make() }).(int64)
}

func (s *shaper) uuid(key string) string {
	return s.call.remember(key, func() any { return s.c.r.UUID() }).(string)
}

func seconds(ms int64) json.Number { return json.Number(strconv.FormatInt(ms/1000, 10)) }

func intNumber(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }

// between draws n in [lo, hi].
func (s *shaper) between(lo, hi int64) int64 { return lo + s.c.r.Int64N(hi-lo+1) }

// ---- meeting -------------------------------------------------------------

func shapeMeetingStarted(s *shaper) {
	start := s.millis("meeting.start", func() int64 { return s.at })
	s.set("start_ts", millisNumber(start))
}

func shapeMeetingEnded(s *shaper) {
	start := s.millis("meeting.start", func() int64 { return s.at - 1000*s.between(60, 3600) })
	// Daily waits up to 20 s after the last participant leaves.
	end := s.at - s.between(1000, 20_000)
	if v, ok := s.call.recall("meeting.lastLeft"); ok {
		end = v.(int64)
	}
	end = max(end, start+1000)
	// Daily's meeting.ended example writes the start in whole seconds.
	s.set("start_ts", seconds(start))
	s.set("end_ts", millisNumber(end))
}

// ---- participant and waiting-participant ---------------------------------

// joined stamps a join (or a knock) and remembers it for the leave.
func (s *shaper) joined(kind string) {
	s.person()
	who := s.call.Who()
	s.call.note(kind+":"+who.SessionID, s.at)
	s.set("joined_at", millisNumber(s.at))
	s.ejectAt(kind, who.SessionID, s.at)
	if kind == "joined" {
		n := s.call.remember("meeting.participants", func() any { return map[string]bool{} }).(map[string]bool)
		s.call.root().mu.Lock()
		n[who.SessionID] = true
		s.call.root().mu.Unlock()
	}
}

// left repeats the join's joined_at and makes the duration the time since.
func (s *shaper) left(kind string, last bool) {
	s.person()
	who := s.call.Who()
	joined := s.millis(kind+":"+who.SessionID, func() int64 { return s.at - 1000*s.between(20, 3600) })
	s.set("joined_at", millisNumber(joined))
	s.set("duration", millisNumber(max(s.at-joined, 0)))
	s.ejectAt(kind, who.SessionID, joined)
	if last {
		s.call.note("meeting.lastLeft", s.at)
	}
}

var (
	networkQuality = []any{"good", "warning", "bad", "unknown"}
	canSendTypes   = []string{"video", "audio", "screenVideo", "screenAudio", "customVideo", "customAudio"}
	canAdminTypes  = []string{"participants", "streaming", "transcription"}
)

// person gives a participant's network quality and permissions the values
// daily-js knows, in place of words.
func (s *shaper) person() {
	s.set("networkQualityState", networkQuality[s.c.r.IntN(len(networkQuality))])
	perm, n := s.child(s.p, s.n, "permissions")
	if perm == nil {
		return
	}
	const ptr = "/payload/permissions"
	subset := func(name string, all []string) {
		if _, isList := lookupIn(perm, name).([]any); !isList {
			return
		}
		var out []any
		for _, t := range all {
			if s.c.r.chance(0.6) {
				out = append(out, t)
			}
		}
		if out == nil {
			out = []any{}
		}
		s.setIn(perm, n, ptr, name, out, false)
	}
	subset("canSend", canSendTypes)
	subset("canAdmin", canAdminTypes)
	if _, ok := lookupIn(perm, "canReceive").(*object); ok {
		base := newObject(1)
		base.add("base", true)
		s.setIn(perm, n, ptr, "canReceive", base, false)
	}
}

// layout makes a layout's preset and variant agree: a variant belongs to
// the portrait preset.
func (s *shaper) layout() {
	l, n := s.child(s.p, s.n, "layout")
	if l == nil {
		return
	}
	const ptr = "/payload/layout"
	if _, has := l.get("variant"); has {
		s.setIn(l, n, ptr, "preset", "portrait", true)
		return
	}
	if _, has := l.get("preset"); !has {
		s.setIn(l, n, ptr, "preset", "active-participant", true)
	}
	if p, _ := lookupIn(l, "preset").(string); p == "portrait" {
		s.setIn(l, n, ptr, "variant", "vertical", true)
	}
}

// ejectAt keeps will_eject_at after the join and the same for one person.
func (s *shaper) ejectAt(kind, session string, joined int64) {
	v, _ := lookupIn(s.p, "will_eject_at").(json.Number)
	if v == "" {
		return // absent, or null: no ejection scheduled
	}
	at := s.millis(kind+":eject:"+session, func() int64 { return joined + 1000*s.between(600, 4*3600) })
	s.set("will_eject_at", seconds(at))
}

// ---- recording -------------------------------------------------------------

func (s *shaper) recording() (instance string, start int64) {
	instance = s.uuid("recording.instance_id")
	start = s.millis("recording.start", func() int64 { return s.at - 1000*s.between(5, 1800) })
	return instance, start
}

func shapeRecordingStarted(s *shaper) {
	s.millis("recording.start", func() int64 { return s.at })
	instance, start := s.recording()
	s.set("recording_id", s.uuid("recording.id"))
	s.set("instance_id", instance)
	s.set("start_ts", seconds(start))
	s.set("action", "start-cloud-recording")
	s.set("started_by", s.call.Who().SessionID)
	s.layout()
}

func shapeRecordingReady(s *shaper) {
	_, start := s.recording()
	s.set("recording_id", s.uuid("recording.id"))
	s.set("room_name", s.call.Room)
	s.set("start_ts", seconds(start))
	s.set("duration", intNumber(max((s.at-start)/1000, 1)))
	s.put("s3_key", s.call.DomainName+"/"+s.call.Room+"/"+strconv.FormatInt(start, 10))
	s.set("max_participants", intNumber(int64(max(s.participants(), 1))))
	s.set("share_token", token(s.c.r, 12))
	if typ, _ := lookupIn(s.p, "type").(string); typ == "cloud" {
		s.p.del("tracks") // per-track files are for raw-tracks recordings
	}
}

var recordingErrors = []string{
	"Error fetching STS credentials", "Failed to upload recording to S3", "Recording stopped: out of disk space",
	"Composition failed to start", "Insufficient permissions for the S3 bucket",
}

func shapeRecordingError(s *shaper) {
	instance, _ := s.recording()
	action := "cloud-recording-error" // Daily's example
	if s.doc {
		action = "clourd-recording-err" // Daily's field list and SDK enum (sic)
	}
	s.set("action", action)
	s.set("instance_id", instance)
	s.set("room_name", s.call.Room)
	s.set("error_msg", "cloud-recording-error: "+pick(s.c.r, recordingErrors))
}

func (s *shaper) participants() int {
	v, ok := s.call.recall("meeting.participants")
	if !ok {
		return 1 + s.c.r.IntN(6)
	}
	root := s.call.root()
	root.mu.Lock()
	defer root.mu.Unlock()
	return len(v.(map[string]bool))
}

// ---- transcript ------------------------------------------------------------

var transcriptErrors = []string{"Transcription provider unavailable", "Invalid transcription settings", "Transcription stopped unexpectedly"}

func (s *shaper) transcript(status string, ended bool) {
	start := s.millis("transcript.start", func() int64 {
		if !ended {
			return s.at
		}
		return s.at - 1000*s.between(10, 1800)
	})
	s.set("id", s.uuid("transcript.id"))
	s.set("room_id", s.uuid("room.id"))
	s.set("room_name", s.call.Room)
	s.set("status", status)
	secs := int64(0)
	if ended {
		secs = max((s.at-start)/1000, 1)
	}
	s.set("duration", intNumber(secs))
	people := int64(max(s.participants(), 1))
	s.set("max_participants", intNumber(people))
	s.set("participant_minutes", json.Number(strconv.FormatFloat(float64(secs*people)/60, 'f', 2, 64)))
	if info, n := s.child(s.p, s.n, "info"); info != nil {
		s.info(info, n, start, ended)
	}
	if op, n := s.child(s.p, s.n, "out_params"); op != nil {
		if s3, n3 := s.child(op, n, "s3"); s3 != nil {
			key := s.call.DomainName + "/" + s.call.Room + "/" + strconv.FormatInt(start, 10) + ".vtt"
			s.setIn(s3, n3, "/payload/out_params/s3", "key", key, true)
			s.setIn(s3, n3, "/payload/out_params/s3", "bucket", "daily-transcripts-"+s.call.DomainName, true)
			s.setIn(s3, n3, "/payload/out_params/s3", "region", "us-west-2", true)
		}
	}
	if status == "t_failed" {
		s.set("error", pick(s.c.r, transcriptErrors))
	}
}

// info writes the transcript's instance and times in one casing: the
// example's camelCase, or the documented snake_case.
func (s *shaper) info(o *object, n *node, start int64, ended bool) {
	names := [3]string{"instanceId", "startTs", "endTs"}
	other := [3]string{"instance_id", "start_ts", "end_ts"}
	if s.doc {
		names, other = other, names
	}
	for _, k := range other {
		if !s.skip("/payload/info/" + k) {
			o.del(k)
		}
	}
	const ptr = "/payload/info"
	s.setIn(o, n, ptr, names[0], s.uuid("transcript.instance_id"), true)
	s.setIn(o, n, ptr, names[1], seconds(start), true)
	if ended {
		s.setIn(o, n, ptr, names[2], seconds(s.at), true)
	} else if !s.skip(ptr + "/" + names[2]) {
		o.del(names[2])
	}
}

// ---- streaming -------------------------------------------------------------

var streamingErrors = []string{
	"rtmp-error: Failed to connect: 'publish' cmd failed: connection closed remotely",
	"rtmp-error: Connection refused by the RTMP server", "hls-error: Failed to write playlist",
}

func (s *shaper) streaming(kind string) {
	s.set("instance_id", s.uuid("streaming.instance_id"))
	s.set("room_name", s.call.Room)
	s.layout()
	switch kind {
	case "error":
		s.set("error_message", pick(s.c.r, streamingErrors))
	case "warning":
		if d, n := s.child(s.p, s.n, "details"); d != nil {
			eps := []any{"rtmp://a.rtmp.youtube.com/live2/" + token(s.c.r, 16)}
			s.setIn(d, n, "/payload/details", "endpoints", eps, true)
		}
	}
}

// ---- dialin / dialout --------------------------------------------------------

var dialWarnings = []string{"Dialin codec did not match, using fallback.", "High packet loss on the SIP leg.", "Jitter buffer overflow, audio may be choppy."}
var dialErrors = []string{"SDP negotiation failed", "SIP INVITE rejected: 486 Busy Here", "Media connection timed out"}

// roomSIP is the room's SIP endpoint on Daily's SIP network.
func (s *shaper) roomSIP() string {
	return s.call.remember("dial.sip_endpoint", func() any {
		return "sip:" + s.call.Room + ".0@daily-" + strconv.FormatInt(s.between(1_000_000, 99_999_999_999), 10) + "-app.dapp.signalwire.com"
	}).(string)
}

func shapeDialinReady(s *shaper) { s.set("sip_endpoint", s.roomSIP()) }

func (s *shaper) dialin(kind string) {
	s.set("sip_from", s.call.FromEndpoint)
	s.set("display_name", s.call.Who().UserName)
	switch kind {
	case "warning":
		s.set("error_msg", pick(s.c.r, dialWarnings))
	case "error":
		s.set("error_msg", pick(s.c.r, dialErrors))
	}
}

func (s *shaper) dialout(kind string) {
	dest := s.call.ToEndpoint
	s.set("destination", dest)
	origin := s.roomSIP()
	if strings.HasPrefix(dest, "+") {
		origin = s.call.remember("dialout.origin", func() any { return e164(s.c.r) }).(string)
	}
	s.set("origin", origin)
	s.set("caller_id", s.uuid("dialout.caller_id"))
	s.set("user_id", s.call.Who().UserID)
	if kind == "error" {
		s.set("error_msg", pick(s.c.r, dialErrors))
	}
}

// ---- batch processor ---------------------------------------------------------

var (
	batchPresets = []string{"transcript", "summarize"}
	languages    = []string{"en", "en-US", "es", "fr", "de", "pt-BR"}
)

var batchErrors = []string{"Could not fetch the input: 404 Not Found", "The recording has no audio track", "Transcription failed: unsupported language"}

func (s *shaper) batch(failed bool) {
	job := s.uuid("batch.id")
	s.set("id", job)
	s.set("preset", pick(s.c.r, batchPresets))
	if in, n := s.child(s.p, s.n, "input"); in != nil {
		src, _ := lookupIn(in, "sourceType").(string)
		const ptr = "/payload/input"
		if src == "" {
			src = "uri"
			s.setIn(in, n, ptr, "sourceType", src, true)
		}
		s.setIn(in, n, ptr, "language", pick(s.c.r, languages), false)
		if src == "recordingId" {
			s.setIn(in, n, ptr, "recordingId", s.uuid("recording.id"), true)
			in.del("uri")
		} else {
			s.setIn(in, n, ptr, "uri", "https://"+s.call.DomainName+".example.com/media/"+token(s.c.r, 10)+".mp4", true)
			in.del("recordingId")
		}
	}
	if failed {
		s.set("error", pick(s.c.r, batchErrors))
		return
	}
	if out, n := s.child(s.p, s.n, "output"); out != nil {
		base := s.call.DomainName + "/" + job + "/transcript/"
		loc := func(name string) *object {
			o := newObject(3)
			o.add("key", base+name)
			o.add("bucket", "daily-co-batch-processor-us-west-2")
			o.add("region", "us-west-2")
			return o
		}
		file := func(format, name string) *object {
			f := newObject(2)
			f.add("format", format)
			f.add("s3Config", loc(name))
			return f
		}
		// Daily's example: a transcription in four formats and a summary.
		var files []any
		for _, f := range []string{"json", "srt", "txt", "vtt"} {
			files = append(files, file(f, "transcript."+f))
		}
		s.setIn(out, n, "/payload/output", "transcription", files, true)
		s.setIn(out, n, "/payload/output", "summary", file("txt", "summary"), true)
		if s.c.r.chance(0.2) {
			s.setIn(out, n, "/payload/output", "soap", file("json", "soap.json"), true)
		}
	}
}

// token is n letters and digits, like Daily's share tokens.
func token(r *rng, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = roomAlphabet[r.IntN(len(roomAlphabet))]
	}
	return string(b)
}
