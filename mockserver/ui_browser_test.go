package mockserver_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

// chromium finds Debian's chromium. In CI (CI=true) its absence fails the
// test, since .ci/run installs it; elsewhere the browser tests skip.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, and CI needs the browser tests: apt-get install -y chromium (.ci/run does)")
	}
	t.Skip("chromium is not installed: the inspector's browser tests are skipped (apt-get install -y chromium)")
	return ""
}

// browser starts headless Chromium with a fresh profile, offline.
func browser(t *testing.T) context.Context {
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// shots saves PNG screenshots of the page's states under one temp dir,
// kept after the test so that people can look at them.
type shots struct {
	dir string
	n   int
}

func newShots(t *testing.T) *shots {
	dir, err := os.MkdirTemp("", "hookmock-inspector-")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("inspector screenshots: %s\n", dir)
	return &shots{dir: dir}
}

func (s *shots) take(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	s.n++
	path := filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.n, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("screenshot: %s\n", path)
}

// pageConsumer records what it gets, fails on request, and checks
// nothing itself: the test recomputes signatures on its own.
type pageConsumer struct {
	*httptest.Server
	fail atomic.Int32 // how many of the next deliveries to answer 500
	mu   sync.Mutex
	got  []pageRequest
}

type pageRequest struct {
	ts, sig string
	body    []byte
}

func newPageConsumer() *pageConsumer {
	c := &pageConsumer{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) == `{"test":"test"}` {
			return
		}
		c.mu.Lock()
		c.got = append(c.got, pageRequest{r.Header.Get("X-Webhook-Timestamp"), r.Header.Get("X-Webhook-Signature"), body})
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if c.fail.Add(-1) >= 0 {
			w.WriteHeader(500)
			io.WriteString(w, `{"error":"told to fail"}`)
			return
		}
		c.fail.Store(0)
		io.WriteString(w, `{"received":true}`)
	}))
	return c
}

func (c *pageConsumer) requests() []pageRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]pageRequest(nil), c.got...)
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitText polls until the element's text contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string, within time.Duration) {
	t.Helper()
	var got string
	js := fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.textContent:"";})()`, sel)
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if got = v; err == nil && strings.Contains(got, want) {
			return
		}
	}
	t.Fatalf("%s: want text containing %q within %s, have %q", sel, want, within, got)
}

func TestInspectorInBrowser(t *testing.T) {
	ctx := browser(t)
	sh := newShots(t)
	consumer := newPageConsumer()
	defer consumer.Close()
	vc := clock.NewVirtual(time.Now().Truncate(time.Second))
	srv, err := mockserver.New(mockserver.Options{Clock: vc, Seed: 14})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	postOK(t, srv.URL+"/v1/webhooks", `{"url": "`+consumer.URL+`", "hmac": "`+testSecret+`", "retryType": "exponential"}`)

	// Open the page.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#deliveries"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.noReload = true`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#live", "Live", 5*time.Second)
	sh.take(t, ctx, "empty-list")

	// Trigger through the control API: the row appears without a reload.
	start := time.Now()
	var trig mockserver.Triggered
	json.Unmarshal(postOK(t, srv.URL+"/_mock/events", `{"type": "meeting.started", "seed": 1}`), &trig)
	id := trig.Deliveries[0]
	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	err = chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.CSS("#row-"+id)))
	cancel()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("the row of %s did not appear within 2 s: %v", id, err)
	}
	fmt.Printf("trigger to row: %s\n", elapsed.Round(time.Millisecond))
	if kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.noReload === true`)); err != nil || !kept {
		t.Fatal("the page reloaded to show the row")
	}
	waitText(t, ctx, "#row-"+id, "delivered", 5*time.Second)
	sh.take(t, ctx, "list-with-live-row")

	// Open it: request and response.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#row-"+id+" a")), chromedp.WaitVisible(chromedp.CSS("#attempt-1"))); err != nil {
		t.Fatal(err)
	}
	att := textOf(t, ctx, "#attempt-1")
	for _, want := range []string{"Request", "POST " + consumer.URL, "X-Webhook-Signature", `"type": "meeting.started"`, "Response", "200", `"received": true`} {
		if !strings.Contains(att, want) {
			t.Errorf("attempt view lacks %q:\n%s", want, att)
		}
	}
	if sig := textOf(t, ctx, "#sig-h + dl"); !strings.Contains(sig, "daily") || strings.Contains(sig, testSecret) || !strings.Contains(sig, "•") {
		t.Errorf("signature section (the secret must be masked):\n%s", sig)
	}
	if c := textOf(t, ctx, "#contract-h + p"); !strings.Contains(c, "valid against the contract") {
		t.Errorf("contract section: %s", c)
	}
	sh.take(t, ctx, "detail")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(420, 900)); err != nil {
		t.Fatal(err)
	}
	sh.take(t, ctx, "detail-narrow")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}

	// Replay: a second attempt, signed so that an independent HMAC agrees.
	vc.Advance(30 * time.Second)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#replay"))); err != nil {
		t.Fatal(err)
	}
	// The replay's own page (its facts name the original), once sent.
	waitText(t, ctx, ".facts", "Replay of", 5*time.Second)
	waitText(t, ctx, "main h1", "delivered", 5*time.Second)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#attempt-1"))); err != nil {
		t.Fatal(err)
	}
	if h := textOf(t, ctx, ".facts"); !strings.Contains(h, id) {
		t.Errorf("replay detail does not link the original %s:\n%s", id, h)
	}
	got := consumer.requests()
	if len(got) != 2 {
		t.Fatalf("consumer got %d requests, want the original and the replay", len(got))
	}
	key, _ := base64.StdEncoding.DecodeString(testSecret)
	for i, r := range got {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(r.ts + "." + string(r.body)))
		if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); !hmac.Equal([]byte(want), []byte(r.sig)) {
			t.Errorf("request %d: signature %q, independent HMAC %q", i, r.sig, want)
		}
	}
	if got[0].ts == got[1].ts || string(got[0].body) != string(got[1].body) {
		t.Errorf("replay: timestamps %s and %s (want a fresh one), same body %v", got[0].ts, got[1].ts, string(got[0].body) == string(got[1].body))
	}
	sh.take(t, ctx, "replay-detail")

	// Trigger through the form.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/ui/trigger"), chromedp.WaitVisible(chromedp.CSS("#trigger-form")),
		chromedp.SetValue(chromedp.CSS("#t-type"), "meeting.ended"), chromedp.SetValue(chromedp.CSS("#t-seed"), "5"),
		chromedp.SetValue(chromedp.CSS("#t-set"), "payload.room=form-room")); err != nil {
		t.Fatal(err)
	}
	sh.take(t, ctx, "trigger-form")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#t-send")), chromedp.WaitVisible(chromedp.CSS("#rows tr[id^='row-']"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#rows", "meeting.ended", 5*time.Second)
	waitText(t, ctx, "#rows", "delivered", 5*time.Second)
	if f := textOf(t, ctx, ".flash"); !strings.Contains(f, "Sent meeting.ended to 1 webhook") {
		t.Errorf("flash after the form: %q", f)
	}
	if reqs := consumer.requests(); !strings.Contains(string(reqs[len(reqs)-1].body), `"room":"form-room"`) {
		t.Errorf("the form's override did not reach the consumer: %s", reqs[len(reqs)-1].body)
	}
	sh.take(t, ctx, "after-trigger-form")

	// Advance the virtual clock from the page: the retry happens.
	consumer.fail.Store(1)
	json.Unmarshal(postOK(t, srv.URL+"/_mock/events", `{"type": "meeting.started", "seed": 9}`), &trig)
	id = trig.Deliveries[0]
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#row-"+id))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#row-"+id, "retrying", 5*time.Second)
	sh.take(t, ctx, "waiting-to-retry")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[value="1m"]`)), chromedp.WaitVisible(chromedp.CSS("#row-"+id))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#row-"+id, "delivered", 5*time.Second)
	if row := textOf(t, ctx, "#row-"+id); !strings.Contains(row, "2") {
		t.Errorf("after the retry: %s", row)
	}
	sh.take(t, ctx, "retried")

	// The webhooks and schedules views render.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/ui/webhooks"), chromedp.WaitVisible(chromedp.CSS(".hook"))); err != nil {
		t.Fatal(err)
	}
	sh.take(t, ctx, "webhooks")
}

func TestInspectorNeedsTheAPIKey(t *testing.T) {
	ctx := browser(t)
	sh := newShots(t)
	srv, err := mockserver.New(mockserver.Options{APIKey: "sekret-key", Seed: 15})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#key"))); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#deliveries").length`)); err != nil || n != 0 {
		t.Fatalf("without the key the page shows the deliveries (%d, %v)", n, err)
	}
	sh.take(t, ctx, "login-required")
	for _, path := range []string{"/ui/webhooks", "/ui/deliveries/dlv_1", "/_mock/stream"} {
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without the key: %d", path, resp.StatusCode)
		}
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#key"), "wrong"), chromedp.Submit(chromedp.CSS("#key")), chromedp.WaitVisible(chromedp.CSS(".error"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#key"), "sekret-key"), chromedp.Submit(chromedp.CSS("#key")), chromedp.WaitVisible(chromedp.CSS("#deliveries"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#live", "Live", 5*time.Second)
	sh.take(t, ctx, "signed-in")
}
