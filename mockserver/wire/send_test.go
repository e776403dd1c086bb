package wire_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// redirecting answers 302 on /hook to a landing page that answers 200, the
// way a consumer behind a login wall or a moved route does.
func redirecting(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var landed atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		http.Redirect(w, r, "/landing", http.StatusFound)
	})
	mux.HandleFunc("/landing", func(w http.ResponseWriter, _ *http.Request) {
		landed.Add(1)
		io.WriteString(w, "landing page")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &landed
}

func TestSendDoesNotFollowARedirect(t *testing.T) {
	srv, landed := redirecting(t)
	att := wire.Send(context.Background(), wire.NewClient(nil), wire.Target{URL: srv.URL + "/hook"},
		wire.Request{MsgID: "m1", Body: []byte(`{"id":"m1"}`), At: time.Now(), Timeout: 5 * time.Second, BodyLimit: 1 << 10})
	if att.Response == nil || att.Response.Status != http.StatusFound {
		t.Fatalf("want the 302 itself, got %+v", att)
	}
	if att.Outcome != wire.OutcomeFailure || !wire.IsRedirect(att.Response.Status) {
		t.Errorf("a 302 judged %q", att.Outcome)
	}
	if n := landed.Load(); n != 0 {
		t.Errorf("the landing page was fetched %d times", n)
	}
}

func TestSendSignsWhatItSends(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	var sig, ts, body, ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sig, ts, body, ua = r.Header.Get("X-Webhook-Signature"), r.Header.Get("X-Webhook-Timestamp"), string(b), r.UserAgent()
	}))
	defer srv.Close()
	at := time.Unix(1770005095, 0)
	att, applied, err := wire.SendFaults(context.Background(), wire.NewClient(nil), wire.Target{URL: srv.URL, Scheme: signing.Daily, Secret: secret},
		wire.Request{MsgID: "m1", Body: []byte(`{"id":"m1"}`), At: at, Timeout: 5 * time.Second, BodyLimit: 1 << 10},
		[]wire.Fault{{Kind: wire.FaultStaleTimestamp}, {Kind: wire.FaultMalformedBody}})
	if err != nil || att.Outcome != wire.OutcomeSuccess {
		t.Fatalf("%v %+v", err, att)
	}
	if body != `{"id":"m1",}` || ua != wire.UserAgent {
		t.Errorf("body %q, user agent %q", body, ua)
	}
	if want := "1770001495"; ts != want {
		t.Errorf("timestamp %s, want an hour early: %s", ts, want)
	}
	key, _ := base64.StdEncoding.DecodeString(secret)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts + "." + body))
	if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); sig != want {
		t.Errorf("signature %q, independent HMAC over the sent bytes %q", sig, want)
	}
	if len(applied) != 2 || applied[0].Expect != "reject" || !strings.Contains(applied[1].Detail, "trailing comma") {
		t.Errorf("applied %+v", applied)
	}
}

func TestEventID(t *testing.T) {
	for raw, want := range map[string]string{`{"id":"a","x":1}`: "a", `{"id":7}`: "", `[1]`: "", `nope`: "", `{}`: ""} {
		if got := wire.EventID([]byte(raw)); got != want {
			t.Errorf("EventID(%s) = %q, want %q", raw, got, want)
		}
	}
}

// A prepared signer is what signs; a bad-signature fault never uses it.
func TestSendUsesThePreparedSigner(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	var sig, ts, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sig, ts, body = r.Header.Get("X-Webhook-Signature"), r.Header.Get("X-Webhook-Timestamp"), string(b)
	}))
	defer srv.Close()
	s, err := signing.New(signing.Daily, secret)
	if err != nil {
		t.Fatal(err)
	}
	tgt := wire.Target{URL: srv.URL, Scheme: signing.Daily, Secret: secret, Signer: s}
	req := wire.Request{MsgID: "m1", Body: []byte(`{"id":"m1"}`), At: time.Unix(1770005095, 0), Timeout: 5 * time.Second, BodyLimit: 1 << 10}
	good := func() bool {
		key, _ := base64.StdEncoding.DecodeString(secret)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(ts + "." + body))
		return sig == base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	if att := wire.Send(context.Background(), wire.NewClient(nil), tgt, req); att.Outcome != wire.OutcomeSuccess || !good() {
		t.Fatalf("prepared signer: %+v, signature good %v", att, good())
	}
	if _, _, err := wire.SendFaults(context.Background(), wire.NewClient(nil), tgt, req, []wire.Fault{{Kind: wire.FaultBadSignature}}); err != nil || good() {
		t.Fatalf("bad-signature with a prepared signer still verified (%v)", err)
	}
}
