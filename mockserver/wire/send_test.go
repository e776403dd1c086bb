package wire_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

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

// The response is read into a pooled buffer: every size around the
// buffer's growth steps and the limit is recorded whole or cut exactly at
// the limit, and concurrent attempts never see each other's bytes.
func TestSendRecordsTheResponseBodyUpToTheLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		c := r.URL.Query().Get("c")
		_, _ = io.WriteString(w, strings.Repeat(c, n))
	}))
	defer srv.Close()
	client := wire.NewClient(nil)
	const limit = 1500
	var wg sync.WaitGroup
	for i, n := range []int{0, 1, 511, 512, 513, 1024, 1499, 1500, 1501, 4096, 3 << 20} {
		wg.Go(func() {
			c := string(rune('a' + i))
			for range 20 {
				att := wire.Send(context.Background(), client, wire.Target{URL: srv.URL + "/?n=" + strconv.Itoa(n) + "&c=" + c},
					wire.Request{MsgID: "m", Body: []byte(`{}`), At: time.Now(), Timeout: 10 * time.Second, BodyLimit: limit})
				if att.Response == nil {
					t.Errorf("%d bytes: %s", n, att.Error)
					return
				}
				want := strings.Repeat(c, min(n, limit))
				if att.Response.Body != want || att.Response.BodyTruncated != (n > limit) || att.Error != "" {
					t.Errorf("%d bytes: recorded %d bytes (%.10q…), truncated %v, error %q", n, len(att.Response.Body), att.Response.Body, att.Response.BodyTruncated, att.Error)
					return
				}
			}
		})
	}
	wg.Wait()
}

// A URL that does not parse fails the attempt as http.NewRequest would
// say, and every URL keeps its own prepared request.
func TestSendPreparesARequestPerURL(t *testing.T) {
	var paths sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		paths.Store(r.URL.RequestURI(), r.Host+" "+string(b))
	}))
	defer srv.Close()
	client := wire.NewClient(nil)
	send := func(url, body string) wire.Attempt {
		return wire.Send(context.Background(), client, wire.Target{URL: url},
			wire.Request{MsgID: "m", Body: []byte(body), At: time.Now(), Timeout: 5 * time.Second, BodyLimit: 64})
	}
	for i := range 3 {
		for _, p := range []string{"/a", "/b?x=1", "/"} {
			if att := send(srv.URL+p, p+strconv.Itoa(i)); att.Outcome != wire.OutcomeSuccess {
				t.Fatalf("%s: %+v", p, att)
			}
			got, _ := paths.Load(p)
			if want := strings.TrimPrefix(srv.URL, "http://") + " " + p + strconv.Itoa(i); got != want {
				t.Errorf("%s: consumer saw %q, want %q", p, got, want)
			}
		}
	}
	for _, bad := range []string{"::nope", "http://[::1", "ftp://127.0.0.1/"} {
		att := send(bad, "{}")
		_, nerr := http.NewRequest(http.MethodPost, bad, nil)
		if nerr != nil && att.Error != nerr.Error() || att.Error == "" || att.Outcome != wire.OutcomeFailure {
			t.Errorf("%s: error %q, http.NewRequest says %v", bad, att.Error, nerr)
		}
	}
}

// BodyText is what the record keeps when the caller has it; the bytes
// sent are Body's.
func TestSendRecordsTheCallersBodyText(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
	}))
	defer srv.Close()
	kept := `{"id":"m1"}`
	att := wire.Send(context.Background(), wire.NewClient(nil), wire.Target{URL: srv.URL},
		wire.Request{MsgID: "m1", Body: []byte(kept), BodyText: kept, At: time.Now(), Timeout: 5 * time.Second, BodyLimit: 64})
	if att.Outcome != wire.OutcomeSuccess || got != kept || att.Request.Body != kept || unsafe.StringData(att.Request.Body) != unsafe.StringData(kept) {
		t.Fatalf("sent %q, recorded %q (shared %v): %+v", got, att.Request.Body, unsafe.StringData(att.Request.Body) == unsafe.StringData(kept), att)
	}
}
