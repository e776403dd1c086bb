package mockserver

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// ConsoleLog returns an observer that prints one line per attempt (time,
// event type, event id, webhook, status code, latency, outcome) and a
// summary line when a webhook turns FAILED, as `hookmock serve` does on
// its standard output. With asJSON each line is a JSON object instead.
func ConsoleLog(w io.Writer, asJSON bool) Observer {
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	return func(c Change) {
		switch c.Kind {
		case ChangeAttempt, ChangeWebhookFailed:
		default:
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if asJSON {
			enc.Encode(consoleRecord(c))
			return
		}
		if c.Kind == ChangeWebhookFailed {
			h := c.Webhook
			fmt.Fprintf(w, "%s  webhook %s FAILED after %d consecutive failures (%s); its deliveries are skipped until it is re-activated\n",
				c.At.UTC().Format(time.RFC3339), h.UUID, h.FailedCount, h.URL)
			return
		}
		d, a := &c.Delivery, c.Attempt
		status := "---"
		if s := statusOf(*a); s != 0 {
			status = fmt.Sprint(s)
		}
		line := fmt.Sprintf("%s  %-28s %-38s webhook %s  %s  %7.1fms  %-7s %s #%d",
			a.At.UTC().Format(time.RFC3339), d.EventType, orDash(d.EventID), short(d.WebhookUUID), status, a.LatencyMS, a.Outcome, d.ID, a.N)
		if a.Error != "" {
			line += "  " + a.Error
		}
		fmt.Fprintln(w, line)
	}
}

type consoleLine struct {
	Time        time.Time `json:"time"`
	Msg         string    `json:"msg"`
	EventType   string    `json:"eventType,omitempty"`
	EventID     string    `json:"eventId,omitempty"`
	Webhook     string    `json:"webhook"`
	URL         string    `json:"url,omitempty"`
	Delivery    string    `json:"delivery,omitempty"`
	Attempt     int       `json:"attempt,omitempty"`
	Status      int       `json:"status,omitempty"`
	LatencyMS   float64   `json:"latencyMs,omitempty"`
	Outcome     string    `json:"outcome,omitempty"`
	Error       string    `json:"error,omitempty"`
	FailedCount int       `json:"failedCount,omitempty"`
}

func consoleRecord(c Change) consoleLine {
	if c.Kind == ChangeWebhookFailed {
		return consoleLine{Time: c.At.UTC(), Msg: "webhook FAILED", Webhook: c.Webhook.UUID, URL: c.Webhook.URL, FailedCount: c.Webhook.FailedCount}
	}
	d, a := &c.Delivery, c.Attempt
	return consoleLine{Time: a.At.UTC(), Msg: "attempt", EventType: d.EventType, EventID: d.EventID, Webhook: d.WebhookUUID,
		Delivery: d.ID, Attempt: a.N, Status: statusOf(*a), LatencyMS: a.LatencyMS, Outcome: a.Outcome, Error: a.Error}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// short is the first block of a uuid, enough to tell webhooks apart.
func short(uuid string) string {
	if len(uuid) > 8 {
		return uuid[:8]
	}
	return uuid
}

func statusOf(a Attempt) int {
	if a.Response == nil {
		return 0
	}
	return a.Response.Status
}
