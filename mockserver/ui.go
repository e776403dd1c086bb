package mockserver

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// The inspector's page: html/template and embed, no build step. Every view
// is server-rendered and works without JavaScript; ui/app.js only adds
// live rows over /_mock/stream and Copy as cURL.

//go:embed ui/layout.html
var uiTemplates string

//go:embed ui/app.js ui/style.css
var uiStatic embed.FS

// uiPageSize is how many deliveries a page of the list shows.
const uiPageSize = 50

// uiTextScan bounds how many records a text filter reads for one page, so
// that a search of a large log answers in bounded time; the page says
// when it stopped early, and its next link continues the search.
const uiTextScan = 20_000

var uiTmpl = template.Must(template.New("ui").Funcs(template.FuncMap{
	"short": short,
	"join":  strings.Join,
}).Parse(uiTemplates))

type uiClock struct {
	Kind string
	Now  time.Time
}

type uiBase struct {
	Title, Page, DeliveryID string
	Clock                   uiClock
	Flash, Error            string
	// Stream is the newest stream entry when the page began to render,
	// read before its rows: the page's script resumes the stream after it,
	// so a change between the render and the script's connection is not
	// lost (a row would otherwise stay "pending" when it was delivered).
	Stream uint64
}

func (p *Provider) uiBase(title, page string, r *http.Request) uiBase {
	b := uiBase{Title: title, Page: page, Clock: uiClock{Kind: clockKind(p.clock), Now: p.clock.Now().UTC()}, Stream: p.stream.newest()}
	b.Flash = r.URL.Query().Get("flash")
	return b
}

func (p *Provider) routeUI(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", p.uiDeliveries)
	mux.HandleFunc("GET /ui/deliveries/{id}", p.uiDetail)
	mux.HandleFunc("POST /ui/deliveries/{id}/replay", p.uiReplay)
	mux.HandleFunc("GET /ui/trigger", p.uiTrigger)
	mux.HandleFunc("POST /ui/trigger", p.uiPostTrigger)
	mux.HandleFunc("POST /ui/scenarios/run", p.uiRunScenario)
	mux.HandleFunc("GET /ui/webhooks", p.uiWebhooks)
	mux.HandleFunc("POST /ui/webhooks/{uuid}/activate", p.uiActivate)
	mux.HandleFunc("POST /ui/webhooks/{uuid}/delete", p.uiDeleteWebhook)
	mux.HandleFunc("GET /ui/schedules", p.uiSchedules)
	mux.HandleFunc("POST /ui/schedules/{id}/delete", p.uiDeleteSchedule)
	mux.HandleFunc("POST /ui/schedules/{id}/pause", p.uiPauseSchedule(true))
	mux.HandleFunc("POST /ui/schedules/{id}/resume", p.uiPauseSchedule(false))
	mux.HandleFunc("POST /ui/clock/advance", p.uiAdvance)
	mux.HandleFunc("GET /ui/login", p.uiLogin)
	mux.HandleFunc("POST /ui/login", p.uiPostLogin)
	static, _ := fs.Sub(uiStatic, "ui")
	mux.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", http.FileServerFS(static)))
}

func (p *Provider) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := uiTmpl.ExecuteTemplate(&buf, name, data); err != nil {
		p.log.Error("rendering the page", "template", name, "err", err)
		http.Error(w, "rendering the page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// see redirects after a form, the way browsers expect (303 See Other).
func see(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// uiFilter is the list's query, as the page's form sends it.
type uiFilter struct {
	Webhook, Type, Status, Text, Event, Cursor string
}

func (f uiFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"webhook": f.Webhook, "type": f.Type, "status": f.Status, "q": f.Text, "event": f.Event, "cursor": f.Cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// DeliveriesPage is one page of the inspector's list, newest first.
type DeliveriesPage struct {
	Rows []DeliveryRow
	// Next continues with older deliveries ("" on the last page).
	Next string
	// Scanned counts the records a text filter read.
	Scanned int
}

// pageDeliveries reads one page of the list through the store's cursor:
// the filters the store indexes go to it; text is matched here, over
// pages, for at most uiTextScan records.
func (p *Provider) pageDeliveries(ctx context.Context, f uiFilter) (DeliveriesPage, error) {
	q := store.Query{Webhook: f.Webhook, Type: f.Type, Status: f.Status, Event: f.Event, Cursor: f.Cursor, Newest: true, Limit: uiPageSize}
	var out DeliveriesPage
	text := strings.ToLower(strings.TrimSpace(f.Text))
	for {
		page, err := p.QueryDeliveries(ctx, q)
		if err != nil {
			return out, err
		}
		ds, next := page.Deliveries, page.Next
		out.Scanned += len(ds)
		for i := range ds {
			if text == "" || matchesText(&ds[i], text) {
				out.Rows = append(out.Rows, rowOf(&ds[i]))
			}
		}
		out.Next = next
		if text == "" || next == "" || len(out.Rows) >= uiPageSize || out.Scanned >= uiTextScan {
			return out, nil
		}
		q.Cursor = next
	}
}

func matchesText(d *Delivery, text string) bool {
	for _, s := range []string{d.ID, d.EventID, d.EventType, d.URL, d.WebhookUUID, d.Reason} {
		if strings.Contains(strings.ToLower(s), text) {
			return true
		}
	}
	if body, ok := sentBody(d); ok && strings.Contains(strings.ToLower(string(body)), text) {
		return true
	}
	return false
}

func (p *Provider) uiDeliveries(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	f := uiFilter{Webhook: v.Get("webhook"), Type: v.Get("type"), Status: v.Get("status"), Text: v.Get("q"), Event: v.Get("event"), Cursor: v.Get("cursor")}
	data := struct {
		uiBase
		Filter     uiFilter
		Rows       []DeliveryRow
		Next       string
		Webhooks   []Webhook
		EventTypes []string
		Statuses   []Status
		Stats      StoreStats
	}{uiBase: p.uiBase("Deliveries", "deliveries", r), Filter: f, Webhooks: p.Webhooks(), EventTypes: p.eventTypes(), Statuses: deliveryStatuses, Stats: p.StoreStats()}
	pg, err := p.pageDeliveries(r.Context(), f)
	status := http.StatusOK
	if err != nil {
		data.Error, status = err.Error(), http.StatusBadRequest
	}
	data.Rows = pg.Rows
	if pg.Next != "" {
		nf := f
		nf.Cursor = pg.Next
		data.Next = "/?" + nf.values().Encode()
	}
	if f.Text != "" && pg.Next != "" && len(pg.Rows) < uiPageSize {
		data.Flash = fmt.Sprintf("The text filter read %d records for this page; older ones are on the next.", pg.Scanned)
	}
	p.render(w, status, "deliveries", data)
}

type uiHeader struct{ Name, Value string }

type uiAttempt struct {
	Attempt
	Method, URL       string
	Status            int
	HasResponse       bool
	ReqHeaders        []uiHeader
	RespHeaders       []uiHeader
	ReqBody, RespBody string
}

// SignatureExplained says how a request was signed, with the secret masked.
type SignatureExplained struct {
	Scheme, Formula, Timestamp, Signed, Value, Secret string
}

func headerList(h map[string][]string) []uiHeader {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []uiHeader
	for _, k := range keys {
		for _, v := range h[k] {
			out = append(out, uiHeader{k, v})
		}
	}
	return out
}

// pretty indents JSON and leaves anything else as it is.
func pretty(s string) string {
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(s), "", "  ") == nil {
		return buf.String()
	}
	return s
}

// maskSecret shows enough of a secret to tell two apart, never enough to
// use it.
func maskSecret(s string) string {
	if s == "" {
		return "(none: sent unsigned)"
	}
	n := min(4, len(s)/8)
	return s[:n] + strings.Repeat("•", 8) + fmt.Sprintf(" (%d characters)", len(s))
}

// explainSignature reconstructs what was signed from the headers sent.
func explainSignature(scheme signing.Scheme, secret string, a *Attempt) *SignatureExplained {
	h := http.Header(a.Request.Headers)
	body := a.Request.Body
	e := &SignatureExplained{Scheme: string(scheme), Secret: maskSecret(secret)}
	switch scheme {
	case signing.Daily, "":
		e.Scheme = string(signing.Daily)
		e.Timestamp = h.Get(signing.DailyTimestampHeader)
		e.Signed = e.Timestamp + "." + body
		e.Value = h.Get(signing.DailySignatureHeader)
		e.Formula = "X-Webhook-Signature = base64(HMAC-SHA256(key = base64-decode(hmac), timestamp + \".\" + body)), timestamp in X-Webhook-Timestamp"
	case signing.Standard:
		e.Timestamp = h.Get(signing.StandardTimestampHeader)
		e.Signed = h.Get(signing.StandardIDHeader) + "." + e.Timestamp + "." + body
		e.Value = h.Get(signing.StandardSignatureHeader)
		e.Formula = "webhook-signature = \"v1,\" + base64(HMAC-SHA256(key = base64-decode(secret without whsec_), webhook-id + \".\" + webhook-timestamp + \".\" + body))"
	default:
		s, err := signing.New(scheme, secret)
		var names []string
		if err == nil {
			names = s.Headers()
		}
		var vals []string
		for _, n := range names {
			if v := h.Get(n); v != "" {
				vals = append(vals, n+": "+v)
			}
		}
		e.Value = strings.Join(vals, "; ")
		e.Signed = body
		e.Formula = fmt.Sprintf("the %s profile: an HMAC of the body with the webhook's secret, in %s", scheme, strings.Join(names, ", "))
	}
	if e.Value == "" {
		e.Value = "(no signature header: a signature fault removed it, or the webhook has no secret)"
	}
	return e
}

func (p *Provider) uiDetail(w http.ResponseWriter, r *http.Request) {
	d, err := p.Delivery(r.Context(), r.PathValue("id"))
	if err != nil {
		p.render(w, http.StatusNotFound, "login", struct{ uiBase }{uiBaseErr(p, r, err)})
		return
	}
	data := struct {
		uiBase
		Delivery   Delivery
		Attempts   []uiAttempt
		Body       string
		Checked    bool
		CheckNote  string
		Violations []spec.Violation
		Signature  *SignatureExplained
	}{uiBase: p.uiBase("Delivery "+d.ID, "detail", r), Delivery: d}
	data.DeliveryID = d.ID
	hook, hookKnown := p.Webhook(d.WebhookUUID)
	for i := range d.Attempts {
		a := &d.Attempts[i]
		ua := uiAttempt{Attempt: *a, Method: a.Request.Method, URL: a.Request.URL, ReqHeaders: headerList(a.Request.Headers), ReqBody: pretty(a.Request.Body)}
		if a.Response != nil {
			ua.HasResponse, ua.Status = true, a.Response.Status
			ua.RespHeaders, ua.RespBody = headerList(a.Response.Headers), pretty(a.Response.Body)
		}
		data.Attempts = append(data.Attempts, ua)
		if data.Signature == nil && a.Request.Method != "" {
			scheme, secret := p.opts.Signing, ""
			if hookKnown {
				scheme, secret = hook.Signing, hook.HMAC
			}
			data.Signature = explainSignature(scheme, secret, a)
		}
	}
	if body, ok := sentBody(&d); ok {
		data.Body = pretty(string(body))
		if ev, ok := p.spec.Lookup(d.EventType); ok {
			data.Checked = true
			if v, err := spec.DecodeJSON(body); err != nil {
				data.Violations = []spec.Violation{{Pointer: "", Message: "not JSON: " + err.Error()}}
			} else {
				data.Violations = ev.ValidateValue(v)
			}
		} else {
			data.CheckNote = "The contract has no event " + d.EventType + "."
		}
	} else {
		data.CheckNote = "Not sent yet: nothing to check."
	}
	p.render(w, http.StatusOK, "detail", data)
}

func uiBaseErr(p *Provider, r *http.Request, err error) uiBase {
	b := p.uiBase("Not found", "error", r)
	b.Error = err.Error()
	return b
}

func (p *Provider) uiReplay(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, p.opts.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		see(w, r, "/ui/deliveries/"+url.PathEscape(id)+"?flash="+url.QueryEscape("the form: "+err.Error()))
		return
	}
	o := ReplayOptions{AllowInvalid: r.PostForm.Get("allowInvalid") == "true"}
	if b := strings.TrimSpace(r.PostForm.Get("body")); b != "" {
		o.Body = []byte(b)
	}
	d, err := p.Replay(r.Context(), id, o)
	if err != nil {
		see(w, r, "/ui/deliveries/"+url.PathEscape(id)+"?flash="+url.QueryEscape("Replay refused: "+err.Error()))
		return
	}
	see(w, r, "/ui/deliveries/"+url.PathEscape(d.ID)+"?flash="+url.QueryEscape("Replay of "+id+" queued as "+d.ID+"."))
}

type uiTriggerData struct {
	uiBase
	EventTypes []string
	Faults     []FaultKind
	Scenarios  []string
	Run        *ScenarioRunInfo
}

func (p *Provider) triggerData(r *http.Request) uiTriggerData {
	d := uiTriggerData{uiBase: p.uiBase("Trigger", "trigger", r), EventTypes: p.eventTypes(), Faults: faultKinds()}
	if scs, err := p.Scenarios(); err == nil {
		for _, sc := range scs {
			d.Scenarios = append(d.Scenarios, sc.Name)
		}
	}
	if id := r.URL.Query().Get("run"); id != "" {
		if run, ok := p.ScenarioRun(id); ok {
			info := run.Info()
			d.Run = &info
		}
	}
	return d
}

func (p *Provider) uiTrigger(w http.ResponseWriter, r *http.Request) {
	p.render(w, http.StatusOK, "trigger", p.triggerData(r))
}

// triggerForm reads a form posted from the trigger page; fail renders that
// page again with the error, as it does when the form cannot be read.
func (p *Provider) triggerForm(w http.ResponseWriter, r *http.Request) (fail func(error), ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, p.opts.MaxBodyBytes)
	fail = func(err error) {
		d := p.triggerData(r)
		d.Error = err.Error()
		p.render(w, http.StatusBadRequest, "trigger", d)
	}
	if err := r.ParseForm(); err != nil {
		fail(err)
		return fail, false
	}
	return fail, true
}

func (p *Provider) uiPostTrigger(w http.ResponseWriter, r *http.Request) {
	fail, ok := p.triggerForm(w, r)
	if !ok {
		return
	}
	var opts []TriggerOption
	if s := strings.TrimSpace(r.PostForm.Get("seed")); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fail(fmt.Errorf("seed: want a non-negative integer, got %q", s))
			return
		}
		opts = append(opts, WithSeed(n))
	}
	var set []string
	for _, line := range strings.Split(r.PostForm.Get("set"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			set = append(set, line)
		}
	}
	if len(set) > 0 {
		opts = append(opts, WithSet(set...))
	}
	if names := r.PostForm["fault"]; len(names) > 0 {
		faults, err := DecodeFaults(strings.Join(names, ","))
		if err != nil {
			fail(fmt.Errorf("faults: %v", err))
			return
		}
		opts = append(opts, WithFaults(faults...))
	}
	t, err := p.Trigger(r.Context(), r.PostForm.Get("type"), opts...)
	if err != nil {
		fail(err)
		return
	}
	to := "/?flash=" + url.QueryEscape(fmt.Sprintf("Sent %s to %d webhook(s).", t.Type, len(t.Deliveries)))
	if t.ID != "" {
		to += "&event=" + url.QueryEscape(t.ID)
	}
	see(w, r, to)
}

func faultKinds() []FaultKind { return slices.Clone(wire.FaultKinds) }

func (p *Provider) uiRunScenario(w http.ResponseWriter, r *http.Request) {
	fail, ok := p.triggerForm(w, r)
	if !ok {
		return
	}
	var o RunOptions
	if s := strings.TrimSpace(r.PostForm.Get("seed")); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fail(fmt.Errorf("seed: want a non-negative integer, got %q", s))
			return
		}
		o.Seed = &n
	}
	sc, err := p.scenarioByName(r.PostForm.Get("name"))
	if err != nil {
		fail(err)
		return
	}
	run, err := p.StartScenario(sc, o)
	if err != nil {
		fail(err)
		return
	}
	// A short wait lets a run without pauses show its events at once.
	select {
	case <-run.done:
	case <-time.After(2 * time.Second):
	case <-r.Context().Done():
	}
	see(w, r, "/ui/trigger?run="+url.QueryEscape(run.ID))
}

func (p *Provider) uiWebhooks(w http.ResponseWriter, r *http.Request) {
	type hookView struct {
		Webhook
		Last []DeliveryRow
	}
	data := struct {
		uiBase
		Hooks []hookView
	}{uiBase: p.uiBase("Webhooks", "webhooks", r)}
	for _, h := range p.Webhooks() {
		page, err := p.QueryDeliveries(r.Context(), store.Query{Webhook: h.UUID, Newest: true, Limit: 5})
		ds := page.Deliveries
		if err != nil {
			data.Error = err.Error()
		}
		v := hookView{Webhook: h}
		for i := range ds {
			v.Last = append(v.Last, rowOf(&ds[i]))
		}
		data.Hooks = append(data.Hooks, v)
	}
	p.render(w, http.StatusOK, "webhooks", data)
}

// viaAPI runs one of the management API's own handlers, so that the page
// changes webhooks exactly as POST/DELETE /v1/webhooks/{uuid} do.
func (p *Provider) viaAPI(r *http.Request, h http.HandlerFunc, method, path, body string) string {
	req := httptest.NewRequestWithContext(r.Context(), method, path, strings.NewReader(body))
	req.SetPathValue("uuid", r.PathValue("uuid"))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h(rec, req)
	if rec.Code >= 300 {
		var e struct{ Info string }
		json.Unmarshal(rec.Body.Bytes(), &e)
		return "Refused: " + e.Info
	}
	return ""
}

func (p *Provider) uiActivate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("uuid")
	msg := p.viaAPI(r, p.updateWebhook, http.MethodPost, "/v1/webhooks/"+id, `{}`)
	see(w, r, "/ui/webhooks?flash="+url.QueryEscape(cmpOr(msg, "Webhook "+id+" is ACTIVE again.")))
}

func (p *Provider) uiDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("uuid")
	msg := p.viaAPI(r, p.deleteWebhook, http.MethodDelete, "/v1/webhooks/"+id, "")
	see(w, r, "/ui/webhooks?flash="+url.QueryEscape(cmpOr(msg, "Webhook "+id+" deleted.")))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (p *Provider) uiSchedules(w http.ResponseWriter, r *http.Request) {
	data := struct {
		uiBase
		Schedules []ScheduleStatus
	}{uiBase: p.uiBase("Schedules", "schedules", r), Schedules: p.Schedules()}
	p.render(w, http.StatusOK, "schedules", data)
}

func (p *Provider) uiDeleteSchedule(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	msg := "Schedule " + id + " deleted."
	if _, ok := p.RemoveSchedule(id); !ok {
		msg = "No schedule " + id + "."
	}
	see(w, r, "/ui/schedules?flash="+url.QueryEscape(msg))
}

func (p *Provider) uiPauseSchedule(paused bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		msg := "Schedule " + id + " resumed."
		if paused {
			msg = "Schedule " + id + " paused."
		}
		if _, ok := p.PauseSchedule(id, paused); !ok {
			msg = "No schedule " + id + "."
		}
		see(w, r, "/ui/schedules?flash="+url.QueryEscape(msg))
	}
}

func (p *Provider) uiAdvance(w http.ResponseWriter, r *http.Request) {
	back := r.Referer()
	if u, err := url.Parse(back); err != nil || back == "" || u.Host != r.Host {
		back = "/"
	} else {
		q := u.Query()
		q.Del("flash")
		u.RawQuery = q.Encode()
		back = u.RequestURI()
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	r.Body = http.MaxBytesReader(w, r.Body, p.opts.MaxBodyBytes)
	_ = r.ParseForm()
	by := cmpOr(strings.TrimSpace(r.PostForm.Get("by")), strings.TrimSpace(r.PostForm.Get("custom")))
	vc, ok := p.clock.(interface{ Advance(time.Duration) })
	d, err := time.ParseDuration(by)
	switch {
	case !ok:
		see(w, r, back+sep+"flash="+url.QueryEscape("The server runs on the real clock."))
	case err != nil || d < 0:
		see(w, r, back+sep+"flash="+url.QueryEscape(fmt.Sprintf("Advance by: want a duration such as 90s or 15m, got %q", by)))
	default:
		vc.Advance(d)
		see(w, r, back+sep+"flash="+url.QueryEscape("Clock advanced by "+d.String()+"."))
	}
}

// uiCookie carries the API key for the page, HttpOnly and SameSite=Strict
// so that scripts cannot read it and other sites cannot use it.
const uiCookie = "hookmock_key"

func (p *Provider) uiLogin(w http.ResponseWriter, r *http.Request) {
	b := uiBase{Title: "Sign in", Page: "login"}
	if r.URL.Query().Get("failed") != "" {
		b.Error = "That is not the server's API key."
	}
	p.render(w, http.StatusOK, "login", struct{ uiBase }{b})
}

func (p *Provider) uiPostLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	key := r.PostForm.Get("key")
	if !p.keyMatches(key) {
		see(w, r, "/ui/login?failed=1")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: uiCookie, Value: key, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	see(w, r, "/")
}
