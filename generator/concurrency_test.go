package generator

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// One Generator serves many goroutines; each gets the bytes a lone caller
// would. Run with -race: plans are compiled lazily while others generate.
func TestConcurrentUse(t *testing.T) {
	type job struct {
		event string
		seed  uint64
	}
	var jobs []job
	for _, e := range []string{"calltransfer.triggered", "calltransfer.answered", "calltransfer.completed", "calltransfer.initiated"} {
		for seed := range uint64(50) {
			jobs = append(jobs, job{e, seed})
		}
	}
	want := map[job][]byte{}
	ref := New(dailySpec(t))
	for _, j := range jobs {
		want[j] = mustGenerate(t, ref, Request{Event: j.event, Seed: j.seed}).JSON
	}
	shared := New(dailySpec(t))
	features := New(featuresSpec(t))
	call := NewCall(1)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, j := range jobs {
				if (i+w)%2 == 0 {
					continue
				}
				res, err := shared.Generate(Request{Event: j.event, Seed: j.seed})
				if err != nil || !bytes.Equal(res.JSON, want[j]) {
					errs <- fmt.Errorf("%s seed %d: %v\n got %s\nwant %s", j.event, j.seed, err, res.JSON, want[j])
					return
				}
				// Shared calls and lazily compiled plans, concurrently.
				if _, err := shared.Generate(Request{Event: j.event, Seed: j.seed, Call: call, Invalid: RandomKind}); err != nil {
					errs <- err
					return
				}
				if _, err := features.Generate(Request{Event: features.Spec().Events[i%len(features.Spec().Events)].Name, Seed: j.seed}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
