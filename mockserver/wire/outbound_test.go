package wire_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
)

func TestPolicyRefusesLinkLocalAndMetadata(t *testing.T) {
	ctx := context.Background()
	var def wire.Policy
	for _, u := range []string{
		"http://169.254.169.254/latest/meta-data/", "http://169.254.0.1:8080/", "http://[fe80::1]/",
		"http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/computeMetadata/v1/",
		"http://METADATA.GOOGLE.INTERNAL./", "http://[fd00:ec2::254]/", "http://100.100.100.200/",
	} {
		err := def.CheckURL(ctx, u)
		var pe *wire.PolicyError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "outbound policy") {
			t.Errorf("%s: %v, want an outbound policy refusal", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:9/", "http://localhost:9/", "http://[::1]/", "http://10.1.2.3/", "http://192.168.1.1/", "http://172.16.0.1/"} {
		if err := def.CheckURL(ctx, u); err != nil {
			t.Errorf("%s: %v, want allowed (loopback and private ranges are for local development)", u, err)
		}
	}
	p, err := wire.ParsePolicy([]string{"169.254.10.0/24"}, []string{"10.0.0.0/8", "192.168.1.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckURL(ctx, "http://169.254.10.7/"); err != nil {
		t.Errorf("allowed prefix: %v", err)
	}
	if err := p.CheckURL(ctx, "http://169.254.169.254/"); err == nil {
		t.Error("the rest of link-local stays denied")
	}
	for _, u := range []string{"http://10.9.9.9/", "http://192.168.1.1/"} {
		if err := p.CheckURL(ctx, u); err == nil || !strings.Contains(err.Error(), "outbound.deny") {
			t.Errorf("%s: %v, want refused by outbound.deny", u, err)
		}
	}
	if _, err := wire.ParsePolicy([]string{"not-a-net"}, nil); err == nil || !strings.Contains(err.Error(), "outbound.allow[0]") {
		t.Errorf("bad prefix: %v", err)
	}
}

// The dialler checks the address it connects to, so a redirect to a denied
// address is refused at connect time even by a client that follows it.
func TestPolicyHoldsAtDialTimeAndOnRedirect(t *testing.T) {
	tr, err := wire.NewTransport(wire.TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	defer redirect.Close()
	following := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	_, err = following.Get(redirect.URL)
	var pe *wire.PolicyError
	if !errors.As(err, &pe) {
		t.Fatalf("redirect to metadata: %v, want a policy error", err)
	}
	if d := wire.Describe(err, time.Second); !strings.Contains(d, "outbound policy") {
		t.Errorf("described as %q", d)
	}
	// Loopback still works through the same transport.
	ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer ok.Close()
	resp, err := following.Get(ok.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tr.CloseIdleConnections()
}

func TestResponseHeaderLimit(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Big", strings.Repeat("a", 128<<10))
	}))
	defer big.Close()
	tr, err := wire.NewTransport(wire.TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.CloseIdleConnections()
	_, err = (&http.Client{Transport: tr}).Get(big.URL)
	if err == nil {
		t.Fatal("128 KiB of headers were accepted")
	}
	if d := wire.Describe(err, time.Second); !strings.Contains(d, "delivery.maxResponseHeaderBytes") {
		t.Errorf("described as %q (%v)", d, err)
	}
}

func TestDescribeHidesRemoteDetails(t *testing.T) {
	tr, _ := wire.NewTransport(wire.TransportOptions{})
	defer tr.CloseIdleConnections()
	_, err := (&http.Client{Transport: tr}).Get("http://127.0.0.1:1/")
	d := wire.Describe(err, time.Second)
	if d != "could not connect to the url's host" || strings.Contains(d, ":1") {
		t.Errorf("closed port described as %q", d)
	}
}

// 64 sends in flight to one consumer keep 64 connections: net/http's
// default of 2 idle per host would close 62 after every answer and dial
// them again.
func TestTransportKeepsAConnectionPerSendInFlight(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	client := wire.NewClient(nil)
	defer client.CloseIdleConnections()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			<-start
			for range 10 {
				att := wire.Send(context.Background(), client, wire.Target{URL: srv.URL}, wire.Request{Body: []byte(`{}`), At: time.Now(), Timeout: 10 * time.Second})
				if att.Outcome != wire.OutcomeSuccess {
					t.Error(att.Error)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	// Some sends may find every connection busy and dial one more; a
	// pool of 2 would dial hundreds.
	if n := conns.Load(); n > 2*64 {
		t.Errorf("640 sends, 64 in flight, dialled %d connections", n)
	}
}
