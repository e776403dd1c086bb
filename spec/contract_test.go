package spec_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/spec"
)

// triggered is Daily's documented calltransfer.triggered example (domain doc §1.2).
const triggered = `{
  "version": "1.0.0",
  "type": "calltransfer.triggered",
  "id": "3602-call-transfer-trig-07efe77a-74e8-4e69-81b0-41ca454c06e01770005095",
  "payload": {
    "domain_id": "04b89420-cf8b-4ea5-a428-02c40b0e2a59",
    "room": "sip-test",
    "timestamp": "1770005095",
    "session_id": "07efe77a-74e8-4e69-81b0-41ca454c06e0",
    "mtg_session_id": "34888835-dadc-4874-a2a8-be38da1f8296",
    "to_endpoint": "sip:user-b@user-a.my-domain.com",
    "from_endpoint": "sip:user-a@user-a.my-domain.com",
    "is_sip_refer": false
  },
  "event_ts": 1770005095.25
}`

// mutate decodes the example, applies f, and re-encodes it.
func mutate(f func(ev, payload map[string]any)) []byte {
	var ev map[string]any
	Expect(json.Unmarshal([]byte(triggered), &ev)).To(Succeed())
	f(ev, ev["payload"].(map[string]any))
	b, err := json.Marshal(ev)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func pointers(vs []spec.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Pointer
	}
	return out
}

var _ = Describe("the embedded Daily calltransfer contract 1.0.0", func() {
	var s *spec.Spec
	BeforeEach(func() {
		var err error
		s, err = spec.LoadFile("embedded:daily/calltransfer.yaml")
		Expect(err).NotTo(HaveOccurred())
	})

	It("declares the four calltransfer events and the three room events around a transfer, at version 1.0.0", func() {
		Expect(s.OpenAPI).To(Equal("3.1.0"))
		Expect(s.Version).To(Equal("1.0.0"))
		Expect(s.EventNames()).To(Equal([]string{"calltransfer.answered", "calltransfer.completed", "calltransfer.initiated", "calltransfer.triggered",
			"dialin.stopped", "dialout.stopped", "participant.left"}))
		for _, e := range s.Events {
			Expect(e.Type).To(Equal(e.Name), "the type const is the event name")
			Expect(e.Version).To(Equal("1.0.0"))
			Expect(e.Method).To(Equal("POST"))
			Expect(e.Direction).To(Equal(spec.ProviderToConsumer))
			Expect(e.ContentType).To(Equal("application/json"))
			Expect(e.Responses).NotTo(BeEmpty())
			Expect(e.Responses[0].Status).To(Equal("200"))
			Expect(e.Responses[0].Direction).To(Equal(spec.ConsumerToProvider))
		}
	})

	It("finds events by name and by type value", func() {
		e, ok := s.EventByType("calltransfer.answered")
		Expect(ok).To(BeTrue())
		Expect(e.Name).To(Equal("calltransfer.answered"))
		_, ok = s.Lookup("calltransfer.nope")
		Expect(ok).To(BeFalse())
	})

	It("holds Daily's documented examples, and every one validates", func() {
		n := 0
		for _, e := range s.Events {
			for _, ex := range e.Examples {
				n++
				Expect(e.ValidateValue(ex.Value)).To(BeEmpty(), "%s %s", e.Name, ex.Name)
			}
		}
		// triggered, initiated ×2 (with and without sip-refer), completed,
		// dialout.stopped (PhoneNumber); Daily published no answered or
		// participant.left example, and dialin.stopped's is truncated.
		Expect(n).To(Equal(5))
	})

	It("passes kin-openapi's document validation", func() {
		Expect(s.Lint(context.Background())).To(Succeed())
	})

	It("names the contract location of each failing keyword", func() {
		e, _ := s.Event("calltransfer.triggered")
		vs, _ := s.Validate(e, mutate(func(_, p map[string]any) { delete(p, "room"); p["session_id"] = "x" }))
		byPointer := map[string]string{}
		for _, v := range vs {
			byPointer[v.Pointer] = v.SchemaPointer
		}
		Expect(byPointer).To(HaveKeyWithValue("/payload/room", "/components/schemas/CalltransferTriggeredPayload/required"))
		Expect(byPointer).To(HaveKeyWithValue("/payload/session_id", "/components/schemas/Uuid/format"))
	})

	DescribeTable("rejects broken variants at the right pointer",
		func(f func(ev, p map[string]any), pointer, keyword string) {
			e, _ := s.Event("calltransfer.triggered")
			vs, err := s.Validate(e, mutate(f))
			Expect(err).NotTo(HaveOccurred())
			Expect(pointers(vs)).To(ContainElement(pointer))
			var keywords []string
			for _, v := range vs {
				if v.Pointer == pointer {
					keywords = append(keywords, v.Keyword)
					Expect(v.SchemaPointer).To(HavePrefix("/components/schemas/"))
				}
			}
			// Under oneOf/anyOf every failing branch is reported.
			Expect(keywords).To(ContainElement(keyword))
		},
		Entry("missing room", func(_, p map[string]any) { delete(p, "room") }, "/payload/room", "required"),
		Entry("is_sip_refer as a string", func(_, p map[string]any) { p["is_sip_refer"] = "false" }, "/payload/is_sip_refer", "type"),
		Entry("session_id not a uuid", func(_, p map[string]any) { p["session_id"] = "07efe77a" }, "/payload/session_id", "format"),
		Entry("wrong type", func(ev, _ map[string]any) { ev["type"] = "calltransfer.initiated" }, "/type", "const"),
		Entry("event_ts as a string", func(ev, _ map[string]any) { ev["event_ts"] = "1770005095.25" }, "/event_ts", "type"),
		Entry("empty id", func(ev, _ map[string]any) { ev["id"] = "" }, "/id", "minLength"),
		Entry("non-semver version", func(ev, _ map[string]any) { ev["version"] = "1.0" }, "/version", "pattern"),
		Entry("timestamp with letters", func(_, p map[string]any) { p["timestamp"] = "17700x5095" }, "/payload/timestamp", "pattern"),
		Entry("endpoint neither SIP nor E.164", func(_, p map[string]any) { p["to_endpoint"] = "user-b" }, "/payload/to_endpoint", "pattern"),
	)

	DescribeTable("accepts what Daily may legitimately send",
		func(f func(ev, p map[string]any)) {
			e, _ := s.Event("calltransfer.triggered")
			vs, err := s.Validate(e, mutate(f))
			Expect(err).NotTo(HaveOccurred())
			Expect(vs).To(BeEmpty())
		},
		Entry("an integer timestamp, as documented", func(_, p map[string]any) { p["timestamp"] = 1770005095 }),
		Entry("a PSTN destination in E.164", func(_, p map[string]any) { p["to_endpoint"] = "+14155550123" }),
		Entry("an unknown additive field", func(ev, p map[string]any) { p["transfer_reason"] = "x"; ev["region"] = "eu" }),
	)

	It("makes is_sip_refer optional on answered and completed only", func() {
		for name, required := range map[string]bool{"calltransfer.triggered": true, "calltransfer.initiated": true, "calltransfer.answered": false, "calltransfer.completed": false} {
			e, _ := s.Event(name)
			raw := mutate(func(ev, p map[string]any) { ev["type"] = name; delete(p, "is_sip_refer") })
			vs, err := s.Validate(e, raw)
			Expect(err).NotTo(HaveOccurred())
			if required {
				Expect(pointers(vs)).To(ConsistOf("/payload/is_sip_refer"), name)
			} else {
				Expect(vs).To(BeEmpty(), name)
			}
		}
	})

	It("reports undeclared properties only in strict mode", func() {
		e, _ := s.Event("calltransfer.triggered")
		raw := mutate(func(ev, p map[string]any) { p["transfer_reason"] = "x"; ev["region"] = "eu" })
		vs, _ := s.Validate(e, raw)
		Expect(vs).To(BeEmpty())
		vs, _ = s.Validate(e, raw, spec.Strict())
		Expect(pointers(vs)).To(ConsistOf("/payload/transfer_reason", "/region"))
		vs, _ = s.Validate(e, []byte(triggered), spec.Strict())
		Expect(vs).To(BeEmpty(), "the documented example declares nothing extra")
	})

	It("says where malformed JSON broke", func() {
		e, _ := s.Event("calltransfer.triggered")
		_, err := s.Validate(e, []byte("{\n  \"version\": \"1.0.0\",\n  \"type\" \"x\"\n}"))
		Expect(err).To(MatchError(ContainSubstring("line 3, column 10")))
	})

	It("is safe for concurrent validation", func() {
		e, _ := s.Event("calltransfer.triggered")
		bad := mutate(func(_, p map[string]any) { delete(p, "room") })
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 200 {
					raw, want := []byte(triggered), 0
					if (g+i)%2 == 1 {
						raw, want = bad, 1
					}
					vs, err := s.Validate(e, raw)
					if err != nil || len(vs) != want {
						errs <- strings.Join(pointers(vs), ",")
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		Expect(errs).To(BeEmpty())
	})

	It("also describes Daily's management API and the verification probe", func() {
		for _, ptr := range []string{
			"/paths/~1webhooks/post", "/paths/~1webhooks/get",
			"/paths/~1webhooks~1{uuid}/get", "/paths/~1webhooks~1{uuid}/post", "/paths/~1webhooks~1{uuid}/delete",
			"/components/schemas/Webhook", "/components/schemas/Error", "/components/schemas/VerificationProbe",
			"/components/schemas/WebhookCreateRequest",
		} {
			_, ok := s.At(ptr)
			Expect(ok).To(BeTrue(), ptr)
		}
	})
})
