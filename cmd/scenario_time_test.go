package cmd_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/scenario"
)

// stampGaps returns, for each event of a run that carries
// payload.timestamp, its seconds after the first such event; and what the
// plan says: each event's planned offset, to the second, but after the
// call's previous event (Daily's call timestamps never repeat a second,
// so events planned within one second take the next).
func stampGaps(t *testing.T, evs []scenario.Played) (stamped, planned []int64) {
	t.Helper()
	var first, firstPlan, last int64
	var cum time.Duration
	for i, e := range evs {
		cum += e.After
		secs := int64(cum / time.Second)
		if i > 0 && secs <= last {
			secs = last + 1
		}
		last = secs
		var ev struct {
			Payload struct {
				Timestamp *string `json:"timestamp"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(e.Body, &ev); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if ev.Payload.Timestamp == nil {
			continue
		}
		ts, err := strconv.ParseInt(*ev.Payload.Timestamp, 10, 64)
		if err != nil {
			t.Fatalf("event %d timestamp %q: %v", i, *ev.Payload.Timestamp, err)
		}
		if len(stamped) == 0 {
			first, firstPlan = ts, secs
		}
		stamped = append(stamped, ts-first)
		planned = append(planned, secs-firstPlan)
	}
	return stamped, planned
}

func TestScenarioRunStampsThePlannedGaps(t *testing.T) {
	c := newHookConsumer(t, false)
	// --speed instant: the gaps of the timestamps must not depend on how
	// fast the run is played.
	code, out, errs := run(t, "", "scenario", "run", "--seed", "11", "sip-call-transfer", "--json", "--to", c.URL,
		"--secret", scenarioSecret, "--speed", "instant")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var cli scenario.Run
	if err := json.Unmarshal([]byte(out), &cli); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	stamped, planned := stampGaps(t, cli.Events)
	if len(stamped) < 4 {
		t.Fatalf("%d events with a payload.timestamp, want at least the four calltransfer events", len(stamped))
	}
	t.Logf("stamped %v, planned %v", stamped, planned)
	for i := range stamped {
		if stamped[i] != planned[i] {
			t.Errorf("CLI: event %d stamped %d s after the first, planned %d s", i, stamped[i], planned[i])
		}
	}
	if n := len(stamped); stamped[n-1]-stamped[n-2] < 15 {
		t.Errorf("answered to completed %d s apart: the call's length was lost", stamped[n-1]-stamped[n-2])
	}

	// The server-side run of the same seed, on its virtual clock.
	srv, err := mockserver.New(mockserver.Options{Clock: clock.NewVirtual(time.Now().Truncate(time.Second)), Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	if _, err := srv.CreateWebhook(ctx, mockserver.WebhookInput{URL: newHookConsumer(t, false).URL}); err != nil {
		t.Fatal(err)
	}
	seed := uint64(11)
	served, err := srv.RunScenario(ctx, scenario.SIPCallTransfer, mockserver.RunOptions{Seed: &seed, Advance: true})
	if err != nil {
		t.Fatal(err)
	}
	onServer, _ := stampGaps(t, served.Events)
	if len(onServer) != len(stamped) {
		t.Fatalf("server: %v, CLI: %v", onServer, stamped)
	}
	for i := range onServer {
		if onServer[i] != stamped[i] {
			t.Errorf("event %d: %d s after the first on the server, %d s from the CLI", i, onServer[i], stamped[i])
		}
	}
}
