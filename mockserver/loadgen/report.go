package loadgen

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Report is the outcome of a run, with the figures vegeta reports
// (requests, rate, throughput, duration and wait, success ratio, latency
// percentiles, status codes) under the same meanings, so the two can be
// read side by side.
type Report struct {
	URL string `json:"url"`
	// Signed names the scheme every request was signed with; "" when no
	// secret was given and the requests went unsigned.
	Signed string `json:"signed"`
	// TargetRate is the rate asked for; AchievedRate is sends started per
	// second of the sending window (vegeta's "rate").
	TargetRate   float64 `json:"targetRate"`
	AchievedRate float64 `json:"achievedRate"`
	// Throughput is answers of 200 per second from the first send to the
	// last answer (vegeta's "throughput"); Success is the share of
	// requests answered 200 (vegeta's "success ratio", 0 to 1).
	Throughput float64 `json:"throughput"`
	Success    float64 `json:"success"`
	// Window is the time spent sending (vegeta's "attack"), Wait the time
	// from then to the last answer, Elapsed the two together (vegeta's
	// "duration" is Window; its total is Elapsed).
	Window  time.Duration `json:"windowNs"`
	Wait    time.Duration `json:"waitNs"`
	Elapsed time.Duration `json:"elapsedNs"`
	// Sent counts requests made (events, in scenario mode); OK those
	// answered 200, Daily's success; Errors the rest; Missed the ticks
	// skipped at the in-flight cap.
	Sent   int `json:"sent"`
	OK     int `json:"ok"`
	Errors int `json:"errors"`
	Missed int `json:"missed"`
	// GenerationBehind counts ticks that found no pre-generated event
	// ready and waited for one; the wait is in their latency.
	GenerationBehind int `json:"generationBehind"`
	// Latency runs from the moment a send was due to the end of its
	// response. Service runs from when the request actually started:
	// vegeta's latency, which leaves out a wait for a free sender (the
	// coordinated omission Latency corrects); zero when no request was
	// made. Compare tools on Latency where both can give it.
	Latency  Latency        `json:"latency"`
	Service  Latency        `json:"serviceLatency"`
	Statuses map[int]int    `json:"statuses"`
	ErrorsBy map[string]int `json:"errorsBy,omitempty"`
	// MaxLag is how late the sender woke for a tick at worst.
	MaxLag    time.Duration `json:"maxLagNs"`
	Histogram []Bin         `json:"histogram"`
}

// Latency summarizes the latencies of a run.
type Latency struct {
	Min  time.Duration `json:"minNs"`
	P50  time.Duration `json:"p50Ns"`
	P90  time.Duration `json:"p90Ns"`
	P95  time.Duration `json:"p95Ns"`
	P99  time.Duration `json:"p99Ns"`
	P999 time.Duration `json:"p999Ns"`
	Max  time.Duration `json:"maxNs"`
	Mean time.Duration `json:"meanNs"`
}

// Bin is one row of the text histogram: sends with latency below Upto
// (the last bin has no bound).
type Bin struct {
	Upto  time.Duration `json:"uptoNs"`
	Count int64         `json:"count"`
}

var binEdges = []time.Duration{time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
	20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 0}

func (l *load) report(ticks int, window, elapsed time.Duration) *Report {
	r := l.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.all
	rep := &Report{URL: l.cfg.Target.URL, TargetRate: l.cfg.Rate, Window: window, Wait: max(0, elapsed-window), Elapsed: elapsed,
		Sent: int(r.n), OK: r.ok, Errors: r.failed, Missed: r.missed, GenerationBehind: r.behind,
		Statuses: r.statuses, ErrorsBy: r.errors, MaxLag: r.maxLag,
		Latency: r.summary(h), Service: r.summary(r.service)}
	if l.cfg.Target.Secret != "" {
		rep.Signed = string(l.cfg.Target.Scheme)
	}
	if r.n > 0 {
		rep.Success = float64(r.ok) / float64(r.n)
	}
	if window > 0 {
		rep.AchievedRate = float64(ticks-r.missed) / window.Seconds()
	}
	if elapsed > 0 {
		rep.Throughput = float64(r.ok) / elapsed.Seconds()
	}
	// Bin HdrHistogram's buckets by their middles: within 0.1% of exact.
	bins := make([]Bin, len(binEdges))
	for i, e := range binEdges {
		bins[i].Upto = e
	}
	for _, b := range h.Distribution() {
		if b.Count == 0 {
			continue
		}
		v := time.Duration((b.From + b.To) / 2)
		i := 0
		for binEdges[i] != 0 && v >= binEdges[i] {
			i++
		}
		bins[i].Count += b.Count
	}
	first, last := len(bins), -1
	for i, b := range bins {
		if b.Count > 0 {
			first, last = min(first, i), i
		}
	}
	if last >= 0 {
		rep.Histogram = bins[first : last+1]
	}
	return rep
}

// WriteText prints the summary and the latency histogram.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "hookmock load: %d sent to %s in %s (target %s/s, achieved %.1f/s)\n",
		r.Sent, r.URL, r.Window.Round(time.Millisecond), trimFloat(r.TargetRate), r.AchievedRate)
	signed := "unsigned (no secret)"
	if r.Signed != "" {
		signed = "signed (" + r.Signed + ")"
	}
	fmt.Fprintf(w, "  requests %d   rate %.1f/s   throughput %.1f/s   success %.2f%%   %s\n",
		r.Sent, r.AchievedRate, r.Throughput, 100*r.Success, signed)
	fmt.Fprintf(w, "  duration %s   sending %s   wait %s\n", fmtDur(r.Elapsed), fmtDur(r.Window), fmtDur(r.Wait))
	fmt.Fprintf(w, "  ok %d   errors %d   missed %d   generation behind %d   max sender lag %s\n",
		r.OK, r.Errors, r.Missed, r.GenerationBehind, fmtDur(r.MaxLag))
	l := r.Latency
	fmt.Fprintf(w, "  latency  min %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s   (p95 %s)\n",
		fmtDur(l.Min), fmtDur(l.P50), fmtDur(l.P90), fmtDur(l.P99), fmtDur(l.P999), fmtDur(l.Max), fmtDur(l.Mean), fmtDur(l.P95))
	if s := r.Service; s.Max > 0 {
		fmt.Fprintf(w, "  from the request's start (vegeta's latency)  p50 %s  p90 %s  p99 %s  max %s\n",
			fmtDur(s.P50), fmtDur(s.P90), fmtDur(s.P99), fmtDur(s.Max))
	}
	if len(r.Statuses) > 0 {
		codes := make([]int, 0, len(r.Statuses))
		for c := range r.Statuses {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		parts := make([]string, len(codes))
		for i, c := range codes {
			parts[i] = fmt.Sprintf("%d×%d", c, r.Statuses[c])
		}
		fmt.Fprintf(w, "  statuses %s\n", strings.Join(parts, "  "))
	}
	for _, e := range topErrors(r.ErrorsBy, 5) {
		fmt.Fprintf(w, "  error ×%d: %s\n", r.ErrorsBy[e], e)
	}
	if len(r.Histogram) == 0 {
		return
	}
	fmt.Fprintln(w, "  latency histogram")
	var most int64
	for _, b := range r.Histogram {
		most = max(most, b.Count)
	}
	lower := time.Duration(0)
	if i := indexOfEdge(r.Histogram[0].Upto); i > 0 {
		lower = binEdges[i-1]
	}
	for _, b := range r.Histogram {
		label := fmt.Sprintf("%s–%s", fmtEdge(lower), fmtEdge(b.Upto))
		switch {
		case lower == 0:
			label = "<" + fmtEdge(b.Upto)
		case b.Upto == 0:
			label = "≥" + fmtEdge(lower)
		}
		fmt.Fprintf(w, "  %11s  %-40s %7d %6.2f%%\n", label, bar(b.Count, most, 40), b.Count, 100*float64(b.Count)/float64(max(1, r.Sent)))
		lower = b.Upto
	}
}

func indexOfEdge(e time.Duration) int {
	for i, x := range binEdges {
		if x == e {
			return i
		}
	}
	return 0
}

// bar draws n of most as a bar of up to width cells, in eighths.
func bar(n, most int64, width int) string {
	if most == 0 || n == 0 {
		return ""
	}
	eighths := int((n*int64(width)*8 + most - 1) / most)
	s := strings.Repeat("█", eighths/8)
	if r := eighths % 8; r > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[r-1])
	}
	return s
}

func topErrors(m map[string]int, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	return keys[:min(n, len(keys))]
}

func fmtEdge(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%gs", d.Seconds())
	}
	return fmt.Sprintf("%gms", float64(d)/float64(time.Millisecond))
}

// fmtDur prints a latency with three significant digits.
func fmtDur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.2fs", ms/1000)
	case ms >= 100:
		return fmt.Sprintf("%.0fms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1fms", ms)
	}
	return fmt.Sprintf("%.2fms", ms)
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", f), "0"), ".")
}

// FormatProgress is the one-line progress of a snapshot.
func FormatProgress(s Snapshot) string {
	return fmt.Sprintf("%6.1fs  sent %d (%.0f/s)  ok %d  errors %d  missed %d  p50 %s  p99 %s  in flight %d",
		s.Elapsed.Seconds(), s.Sent, s.Rate, s.OK, s.Errors, s.Missed, fmtDur(s.P50), fmtDur(s.P99), s.InFlight)
}

// errorClass shortens a transport error to its cause, so that a thousand
// refused connections count as one kind: `Post "http://…": dial tcp
// 127.0.0.1:9: connect: connection refused` → "connection refused".
func errorClass(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "Post ") {
		return msg[i+2:]
	}
	return msg
}
