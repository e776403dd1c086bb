package wire_test

import (
	"context"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// Send calls the transport itself for the clients NewClient makes; this
// holds it to what http.Client.Do gives on the same transport, for every
// answer and failure where Client.Do does more than call the transport:
// redirects (followed never, but their Location parsed), errors (wrapped
// as *url.Error), the HTTPS-to-HTTP mismatch, and credentials in the URL.
func TestSendAnswersAsClientDoWould(t *testing.T) {
	var auth []string
	mux := http.NewServeMux()
	redirect := func(code int, loc string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			if loc != "" {
				w.Header()["Location"] = []string{loc}
			}
			w.WriteHeader(code)
			_, _ = io.WriteString(w, "moved")
		}
	}
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		auth = append(auth, r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, "fine")
	})
	mux.HandleFunc("/302", redirect(302, "/ok"))
	mux.HandleFunc("/302-bad", redirect(302, "%zz"))
	mux.HandleFunc("/301-bad", redirect(301, "http://[::1"))
	mux.HandleFunc("/303-none", redirect(303, ""))
	mux.HandleFunc("/307-bad", redirect(307, "%zz"))
	mux.HandleFunc("/308", redirect(308, "/ok"))
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		time.Sleep(300 * time.Millisecond)
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + closed.Addr().String() + "/"
	closed.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	tr, err := wire.NewTransport(wire.TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ours := wire.NewClient(tr)
	// The same transport behind a client Send cannot tell from any
	// other, so it goes through Client.Do.
	theirs := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	slowSend, err := wire.ParseFaults("slow:2:20ms")
	if err != nil {
		t.Fatal(err)
	}
	// A TLS consumer, trusted through a CA file and untrusted without.
	tlsSrv := httptest.NewTLSServer(mux)
	defer tlsSrv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	trusting, err := wire.NewTransport(wire.TransportOptions{CAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, url string
		faults    []wire.Fault
		timeout   time.Duration
		tr        *http.Transport
	}{
		{"TLS, trusted", tlsSrv.URL + "/ok", nil, 0, trusting},
		{"TLS, untrusted", tlsSrv.URL + "/ok", nil, 0, nil},
		{"TLS, trusted, 302 bad Location", tlsSrv.URL + "/302-bad", nil, 0, trusting},
		{"200", srv.URL + "/ok", nil, 0, nil},
		{"302 followed never", srv.URL + "/302", nil, 0, nil},
		{"302 bad Location", srv.URL + "/302-bad", nil, 0, nil},
		{"301 bad Location", srv.URL + "/301-bad", nil, 0, nil},
		{"303 without Location", srv.URL + "/303-none", nil, 0, nil},
		{"307 bad Location", srv.URL + "/307-bad", nil, 0, nil},
		{"307 bad Location, dripped body", srv.URL + "/307-bad", slowSend, 0, nil},
		{"308 dripped body", srv.URL + "/308", slowSend, 0, nil},
		{"timeout", srv.URL + "/slow", nil, 100 * time.Millisecond, nil},
		{"reset", srv.URL + "/reset", nil, 0, nil},
		{"refused", deadURL, nil, 0, nil},
		{"https to an http server", "https://" + host + "/ok", nil, 0, nil},
		{"unsupported scheme", "ftp://" + host + "/ok", nil, 0, nil},
		{"credentials in the URL", "http://user:pw@" + host + "/ok", nil, 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			ours, theirs := ours, theirs
			if c.tr != nil {
				ours = wire.NewClient(c.tr)
				theirs = &http.Client{Transport: c.tr, CheckRedirect: theirs.CheckRedirect}
			}
			send := func(client *http.Client) wire.Attempt {
				timeout := c.timeout
				if timeout == 0 {
					timeout = 5 * time.Second
				}
				att, _, err := wire.SendFaults(context.Background(), client, wire.Target{URL: c.url},
					wire.Request{MsgID: "m", Body: []byte(`{"id":"m"}`), At: time.Unix(1770005095, 0), Timeout: timeout, BodyLimit: 64}, c.faults)
				if err != nil {
					t.Fatal(err)
				}
				return att
			}
			auth = nil
			a, b := send(ours), send(theirs)
			if c.name == "reset" {
				// The client's port differs, and whether the reset or the
				// end of the stream is seen first is the kernel's choice.
				for _, e := range []*string{&a.Error, &b.Error} {
					pre, _, _ := strings.Cut(*e, ": ")
					if strings.Contains(*e, "reset") || strings.Contains(*e, "EOF") {
						*e = pre + ": reset or EOF"
					}
				}
			}
			if a.Error != b.Error || a.Outcome != b.Outcome || (a.Response == nil) != (b.Response == nil) {
				t.Fatalf("Send: %q %s %v\nClient.Do: %q %s %v", a.Error, a.Outcome, a.Response, b.Error, b.Outcome, b.Response)
			}
			if a.Response != nil {
				ra, rb := *a.Response, *b.Response
				ra.Headers.Del("Date")
				rb.Headers.Del("Date")
				if ra.Status != rb.Status || ra.Body != rb.Body || len(ra.Headers) != len(rb.Headers) || ra.Headers.Get("Location") != rb.Headers.Get("Location") {
					t.Fatalf("Send: %+v\nClient.Do: %+v", ra, rb)
				}
			}
			if len(a.Request.Headers) != len(b.Request.Headers) || a.Request.Headers.Get("Authorization") != "" {
				t.Errorf("recorded headers: Send %v, Client.Do %v", a.Request.Headers, b.Request.Headers)
			}
			if c.name == "credentials in the URL" && (len(auth) != 2 || auth[0] == "" || auth[0] != auth[1]) {
				t.Errorf("the consumer saw Authorization %q", auth)
			}
			t.Logf("%s %q", a.Outcome, a.Error)
		})
	}
}
