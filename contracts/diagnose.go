package contracts

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// Mistake names a consumer mistake the diagnosis recognises.
type Mistake string

// Mistakes found by sending variants or read from the evidence.
const (
	MistakeBodyOnlyHMAC     Mistake = "hmac-over-body-alone"
	MistakeRawKey           Mistake = "secret-not-base64-decoded"
	MistakeHexDigest        Mistake = "hex-digest"
	MistakeSHA256Prefix     Mistake = "sha256-prefix-expected"
	MistakeV1Prefix         Mistake = "v1-prefix-expected"
	MistakeV1PrefixMissing  Mistake = "v1-prefix-not-expected"
	MistakeMilliseconds     Mistake = "timestamp-in-milliseconds"
	MistakeBearerToken      Mistake = "secret-as-bearer-token"
	MistakeIDOmitted        Mistake = "webhook-id-not-signed"
	MistakeWhsecKept        Mistake = "whsec-prefix-not-stripped"
	MistakeLengthThrow      Mistake = "comparison-throws-on-unequal-lengths"
	MistakeProbeRejected    Mistake = "probe-rejected"
	MistakeUnusedType5xx    Mistake = "5xx-on-unused-event-type"
	MistakeSignatureIgnored Mistake = "signature-not-checked"
	MistakeSlow             Mistake = "slow-answer"
	MistakeCrashOnBadInput  Mistake = "5xx-on-bad-input"
)

// Fix hints, one per clause, read from the evidence alone.
const (
	HintDuplicateSafe           Mistake = "not-duplicate-safe"
	HintOutOfOrder              Mistake = "fails-out-of-order"
	HintToleratesAdditiveChange Mistake = "rejects-unknown-fields"
	HintResponseShape           Mistake = "response-body-off-schema"
	HintSchemaViolations        Mistake = "schema-violation-answer"
)

// MaxDiagnosisRequests bounds the extra requests a diagnosis sends: one
// per signing variant of the longer list (Standard Webhooks: 8) and one
// short signature.
const MaxDiagnosisRequests = 10

// Finding is one thing the diagnosis found out about a failed clause: what
// the consumer does wrong, the exchanges that show it and a one-line fix.
type Finding struct {
	Clause  string  `json:"clause"`
	Mistake Mistake `json:"mistake"`
	// Says names the mistake, e.g. "your endpoint accepts an HMAC over
	// the body alone; Daily signs `<X-Webhook-Timestamp>.<body>`".
	Says     string     `json:"finding"`
	Fix      string     `json:"fix"`
	Evidence []Exchange `json:"evidence"`
}

// Diagnosis is what the verifier found out after clauses failed.
type Diagnosis struct {
	Findings []Finding `json:"findings"`
	// Requests counts the extra requests sent (at most Limit); Sent lists
	// each, in order, as evidence like any other.
	Requests int        `json:"requests"`
	Limit    int        `json:"limit"`
	Sent     []Exchange `json:"sent,omitempty"`
	// Unexplained says what was tried and not accepted, when the
	// variants found nothing.
	Unexplained string `json:"unexplained,omitempty"`
}

// For returns the findings about one clause.
func (d *Diagnosis) For(clause string) []Finding {
	if d == nil {
		return nil
	}
	var out []Finding
	for _, f := range d.Findings {
		if f.Clause == clause {
			out = append(out, f)
		}
	}
	return out
}

// diagnoser works out findings from a run's results, sending variants
// when x is set (live) and reading the evidence alone when not (offline).
type diagnoser struct {
	x   *runner
	s   *settings
	res []Result
	d   Diagnosis
}

// diagnose runs after every clause: nil when nothing failed that it
// recognises and nothing was sent.
func diagnose(ctx context.Context, s *settings, x *runner, results []Result) *Diagnosis {
	g := &diagnoser{x: x, s: s, res: results, d: Diagnosis{Limit: MaxDiagnosisRequests}}
	g.probe()
	explained := g.signature(ctx)
	if !explained {
		g.unusedTypes()
	}
	g.hints()
	if len(g.d.Findings) == 0 && g.d.Requests == 0 {
		return nil
	}
	return &g.d
}

func (g *diagnoser) add(clause string, m Mistake, says, fix string, ev ...Exchange) {
	g.d.Findings = append(g.d.Findings, Finding{Clause: clause, Mistake: m, Says: says, Fix: fix, Evidence: ev})
}

// variantsApply tells whether the scheme is one the variants know how to
// mis-sign: Daily's and Standard Webhooks'. Other schemes get the
// evidence-based findings only.
func (g *diagnoser) variantsApply() bool {
	sc := g.s.c.Signing.Scheme
	return sc == signing.Daily || sc == signing.Standard
}

func (g *diagnoser) found(m Mistake) bool {
	return slices.ContainsFunc(g.d.Findings, func(f Finding) bool { return f.Mistake == m })
}

// failed lists a clause's failed results.
func (g *diagnoser) failed(clause string) []Result {
	var out []Result
	for _, r := range g.res {
		if r.Clause == clause && r.Verdict == VerdictFail {
			out = append(out, r)
		}
	}
	return out
}

func (g *diagnoser) provider() string {
	if g.s.c.Signing.Scheme != signing.Daily {
		return "the provider"
	}
	return "Daily"
}

func (g *diagnoser) probe() {
	for _, r := range g.failed(ClauseProbe) {
		ex, ok := lastAnswer(r)
		if !ok {
			continue
		}
		fix := `answer 200 to the body {"test":"test"} before checking signatures: the probe is unsigned`
		if ex.Status == 200 {
			fix = "answer the probe at once; do no work before answering it"
		}
		g.add(ClauseProbe, MistakeProbeRejected,
			fmt.Sprintf("the endpoint must answer 200 to Daily's unsigned verification request; the webhook cannot be created otherwise (it got %s, want 200 within %s)", got(ex), durationText(g.s.deadline)),
			fix, ex)
	}
}

// lastAnswer is a result's last exchange.
func lastAnswer(r Result) (Exchange, bool) {
	if len(r.Evidence) == 0 {
		return Exchange{}, false
	}
	return r.Evidence[len(r.Evidence)-1], true
}

func is4xx(ex Exchange) bool { return ex.Status >= 400 && ex.Status < 500 }
func is5xx(ex Exchange) bool { return ex.Status >= 500 }

// signature looks for a signing mistake: a valid event rejected (4xx) or
// crashed on (5xx) while no valid event got through, or a bad signature
// crashed on. It tells whether it found the cause of accepts-valid's
// failures.
func (g *diagnoser) signature(ctx context.Context) bool {
	var rejected, crashed *Result
	passedValid := false
	for i, r := range g.res {
		if r.Clause != ClauseAcceptsValid {
			continue
		}
		ex, _ := lastAnswer(r)
		switch {
		case r.Verdict == VerdictPass:
			passedValid = true
		case r.Verdict != VerdictFail:
		case is4xx(ex) && rejected == nil:
			rejected = &g.res[i]
		case is5xx(ex) && crashed == nil:
			crashed = &g.res[i]
		}
	}
	wrong4xx, wrong5xx, forged := g.badSignatureAnswers()
	explained := false
	target := rejected
	if target == nil {
		// A consumer that crashes on every signature may still accept
		// the variant it expects.
		target = crashed
	}
	if crashed != nil && !passedValid && wrong4xx != nil {
		valid, _ := lastAnswer(*crashed)
		g.add(ClauseAcceptsValid, MistakeLengthThrow,
			fmt.Sprintf("a correctly signed delivery gets %d while a wrong signature gets %d: the comparison likely throws on unequal lengths (Node's crypto.timingSafeEqual does), so the signature you compute is not the length of %s's", valid.Status, wrong4xx.Status, g.provider()),
			"compare the lengths first and answer 401 when they differ; then compute the digest as "+g.provider()+" does", valid, *wrong4xx)
		explained, target = true, crashed
	}
	if target != nil && !passedValid && g.x != nil && g.variantsApply() {
		if g.tryVariants(ctx, *target) {
			explained = true
		}
	}
	if wrong5xx != nil && !explained {
		g.lengthProbe(ctx, *wrong5xx, forged)
	}
	return explained
}

// badSignatureAnswers finds, among the forged and missing signature
// cases, the first 4xx and the first 5xx answer, and the forged one.
func (g *diagnoser) badSignatureAnswers() (wrong4xx, wrong5xx, forged *Exchange) {
	for _, r := range g.res {
		if r.Clause != ClauseRejectsBadSignature || (r.Case != CaseBadSignature && r.Case != CaseMissingSignature) {
			continue
		}
		ex, ok := lastAnswer(r)
		if !ok {
			continue
		}
		if r.Case == CaseBadSignature {
			forged = &ex
		}
		switch {
		case is4xx(ex) && wrong4xx == nil:
			wrong4xx = &ex
		case is5xx(ex) && wrong5xx == nil:
			wrong5xx = &ex
		}
	}
	return
}

// tryVariants sends the scheme's variants of the failed valid event, one
// at a time, until one is accepted.
func (g *diagnoser) tryVariants(ctx context.Context, failed Result) bool {
	e, ok := g.s.spec.Lookup(failed.Event)
	if !ok {
		e = g.s.events[0]
	}
	keys, err := newSigningKeys(g.s.c.Signing.Scheme, g.s.secret)
	if err != nil {
		return false
	}
	control, _ := lastAnswer(failed)
	vs := variants(g.s.c.Signing.Scheme, g.s.c.Signing.BasicAuth != "")
	tried := 0
	for _, v := range vs {
		ex, ok := g.sendVariant(ctx, e, string(v.mistake), "variant: "+v.step, func(id string, at time.Time, body []byte) http.Header {
			return v.sign(keys, id, at, body)
		})
		if !ok {
			break
		}
		tried++
		if g.s.isSuccess(ex.Status) && ex.Error == "" {
			g.add(ClauseAcceptsValid, v.mistake, v.says, v.fix, ex, control)
			return true
		}
	}
	g.d.Unexplained = fmt.Sprintf("none of %d signing variants of %s was accepted: the signature is not the cause, or the mistake is not one hookmock recognises", tried, eventName(e))
	return false
}

// lengthProbe confirms a comparison that throws on unequal lengths: a
// forged signature of the right length got a 4xx, a short one gets a 5xx.
func (g *diagnoser) lengthProbe(ctx context.Context, wrong5xx Exchange, forged *Exchange) {
	if g.x == nil || forged == nil || !is4xx(*forged) || !g.variantsApply() {
		g.crashOnBadSignature(wrong5xx)
		return
	}
	keys, err := newSigningKeys(g.s.c.Signing.Scheme, g.s.secret)
	if err != nil {
		return
	}
	ex, ok := g.sendVariant(ctx, g.s.events[0], "short-signature", "variant: well-formed signature header, digest too short (AAAA)", func(id string, at time.Time, body []byte) http.Header {
		return shortSignature(keys, id, at, body)
	})
	if !ok || !is5xx(ex) {
		g.crashOnBadSignature(wrong5xx)
		return
	}
	g.add(ClauseRejectsBadSignature, MistakeLengthThrow,
		fmt.Sprintf("a wrong signature of the right length gets %d, but a shorter one gets %d: the comparison throws on unequal lengths (Node's crypto.timingSafeEqual does)", forged.Status, ex.Status),
		"compare the lengths first and answer 401 when they differ, so that a missing or cut signature cannot crash the handler", *forged, ex, wrong5xx)
}

func (g *diagnoser) crashOnBadSignature(ex Exchange) {
	g.add(ClauseRejectsBadSignature, MistakeCrashOnBadInput,
		fmt.Sprintf("your endpoint answers %d to a request it should reject: a 5xx says \"try again\", and %s counts it as a failed delivery", ex.Status, g.provider()),
		"answer 401 when the signature is missing or wrong; never let the check throw", ex)
}

// sendVariant sends one extra request within the bound and records it.
func (g *diagnoser) sendVariant(ctx context.Context, e *spec.Event, seedPart, step string, header func(id string, at time.Time, body []byte) http.Header) (Exchange, bool) {
	if g.d.Requests >= g.d.Limit || ctx.Err() != nil {
		return Exchange{}, false
	}
	body, id, err := g.x.event(e, nil, "diagnosis", seedPart)
	if err != nil {
		return Exchange{}, false
	}
	g.d.Requests++
	var sent http.Header
	ex, _ := g.x.send(ctx, delivery{step: step, body: body, id: id, header: func(id string, at time.Time, body []byte) http.Header {
		sent = header(id, at, body)
		return sent
	}})
	ex.Step += " (" + signatureHeaders(sent) + ")"
	g.d.Sent = append(g.d.Sent, ex)
	return ex, true
}

// signatureHeaders shows what a variant sent, the secret left out.
func signatureHeaders(h http.Header) string {
	var parts []string
	for _, k := range []string{signing.StandardIDHeader, signing.DailyTimestampHeader, signing.StandardTimestampHeader, signing.DailySignatureHeader, signing.StandardSignatureHeader} {
		if v := h.Get(k); v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	if h.Get("Authorization") != "" {
		parts = append(parts, "Authorization: Bearer <the secret>")
	}
	return strings.Join(parts, ", ")
}

// unusedTypes explains a 5xx on a valid event while other types succeed:
// the consumer likely fails what it does not use, and every failure counts
// towards the provider's circuit breaker.
func (g *diagnoser) unusedTypes() {
	var crashed []Exchange
	var types []string
	var okEx *Exchange
	for _, r := range g.res {
		if r.Clause != ClauseAcceptsValid {
			continue
		}
		ex, _ := lastAnswer(r)
		switch {
		case r.Verdict == VerdictPass && okEx == nil:
			okEx = &ex
		case r.Verdict == VerdictFail && is5xx(ex) && !slices.Contains(types, r.Event):
			types = append(types, r.Event)
			crashed = append(crashed, ex)
		}
	}
	if len(types) == 0 || okEx == nil {
		return
	}
	says := fmt.Sprintf("your endpoint answers 5xx to a valid, signed %s while it answers success to other types", strings.Join(types, ", "))
	if g.s.c.Signing.Scheme != signing.Daily {
		says += ": if it does not use those types, the provider still counts each 5xx as a failed delivery, retries it and may disable the endpoint"
	} else {
		says += ": if it does not use those types, Daily still counts each as a failed delivery, and after 3 failures the circuit breaker opens and Daily stops sending every event to the webhook"
	}
	g.add(ClauseAcceptsValid, MistakeUnusedType5xx, says,
		"answer 200 to authentic events you do not use (ignore or park them); keep 5xx for when you want a retry", append(crashed[:min(3, len(crashed))], *okEx)...)
}

// hints gives one fix per failed clause that no finding explains yet,
// from the evidence alone. Clauses that send valid events are left out
// for an event accepts-valid already failed: their failure is the same one.
func (g *diagnoser) hints() {
	failedValid := map[string]bool{}
	for _, r := range g.failed(ClauseAcceptsValid) {
		failedValid[r.Event] = true
	}
	for _, cl := range []string{ClauseAcceptsValid, ClauseRejectsBadSignature, ClauseDuplicateSafe, ClauseToleratesAdditiveChange,
		ClauseSchemaViolations, ClauseOutOfOrder, ClauseResponseShape} {
		// A comparison that throws explains every 5xx to a bad signature.
		if len(g.d.For(cl)) > 0 || (cl == ClauseRejectsBadSignature && g.found(MistakeLengthThrow)) {
			continue
		}
		for _, r := range g.failed(cl) {
			if cl != ClauseAcceptsValid && cl != ClauseRejectsBadSignature && (failedValid[r.Event] || (cl == ClauseOutOfOrder && len(failedValid) > 0)) {
				continue
			}
			if g.hint(r) {
				break
			}
		}
	}
}

// hint adds the fix for one failed result; false when it has none.
func (g *diagnoser) hint(r Result) bool {
	ex, ok := lastAnswer(r)
	if !ok || strings.HasPrefix(r.Reason, "not run") || strings.HasPrefix(r.Reason, "cut short") {
		return false
	}
	ev := r.Evidence[:min(3, len(r.Evidence))]
	add := func(m Mistake, says, fix string) bool {
		g.add(r.Clause, m, says, fix, ev...)
		return true
	}
	switch r.Clause {
	case ClauseAcceptsValid:
		if g.s.isSuccess(ex.Status) && g.s.late(ex) {
			return add(MistakeSlow, fmt.Sprintf("your endpoint answers, but after %s; %s counts an answer later than a few seconds as a failure", ms(ex.LatencyMS), g.provider()),
				"answer 200 as soon as the event is stored, and do the work after answering (a queue, a goroutine, a background job)")
		}
	case ClauseRejectsBadSignature:
		if g.s.isSuccess(ex.Status) && r.Case != CaseMissingBasicAuth {
			return add(MistakeSignatureIgnored, fmt.Sprintf("your endpoint accepts a delivery that %s did not sign (%s): it does not check the signature", g.provider(), r.Case),
				"compute the HMAC of the signed string with the secret, compare it in constant time with the signature header, and answer 401 when it differs or is missing")
		}
		if r.Case == CaseMissingBasicAuth && g.s.isSuccess(ex.Status) {
			return add(MistakeSignatureIgnored, "your endpoint accepts a delivery without the Authorization header the webhook's basicAuth sets",
				"compare Authorization with \"Basic <basicAuth>\" and answer 401 when it differs")
		}
		if is5xx(ex) {
			g.crashOnBadSignature(ex)
			return true
		}
	case ClauseDuplicateSafe:
		if g.s.isSuccess(ex.Status) {
			return add(HintDuplicateSafe, "your endpoint processes a redelivered event again: providers retry when an answer is lost, with the same id",
				"record the event id with its effect (a unique key, in the same transaction) and answer 200 to an id already seen without processing it again")
		}
		return add(HintDuplicateSafe, fmt.Sprintf("your endpoint answers %s to the second copy of an event: a retry of an event already processed must succeed too", got(ex)),
			"answer 200 to an id already seen (do not treat a duplicate as an error)")
	case ClauseToleratesAdditiveChange:
		return add(HintToleratesAdditiveChange, fmt.Sprintf("your endpoint answers %s to an event with fields it does not know: providers add fields without a new version", got(ex)),
			"ignore unknown fields: decode leniently (no DisallowUnknownFields, no additionalProperties: false, no extra=forbid)")
	case ClauseSchemaViolations:
		if is5xx(ex) || ex.Status == 0 {
			return add(MistakeCrashOnBadInput, fmt.Sprintf("your endpoint answers %s to a signed event that breaks the contract: it crashes on bad input", got(ex)),
				"validate the body and answer 4xx, or 200 and park it; never let a bad event throw")
		}
		return add(HintSchemaViolations, fmt.Sprintf("your endpoint answers %s to a signed event that breaks the contract, and the contract declares %s", got(ex), g.s.expect),
			"answer as the contract declares, or change clauses.schema-violations (reject, accept or either)")
	case ClauseOutOfOrder:
		return add(HintOutOfOrder, fmt.Sprintf("your endpoint fails when a lifecycle arrives out of order (%s): concurrent deliveries and retries reorder events", r.Case),
			"answer 200 to an event that comes early and park it, or apply events by their timestamp; never answer 5xx for an unexpected order")
	case ClauseResponseShape:
		return add(HintResponseShape, "your endpoint answers with a body that does not match the response the provider contract declares: "+r.Reason,
			"answer with the body the contract declares for the status (the evidence names the field)")
	}
	return false
}
