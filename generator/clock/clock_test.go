package clock

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestVirtualClock(t *testing.T) {
	start := time.Unix(1000, 0)
	t.Run("now moves only when told", func(t *testing.T) {
		c := NewVirtual(start)
		c.Advance(3 * time.Second)
		if got := c.Now(); !got.Equal(start.Add(3 * time.Second)) {
			t.Fatalf("Now %v", got)
		}
		c.Set(start)
		if !c.Now().Equal(start) {
			t.Fatal("Set did not move the clock")
		}
	})
	t.Run("after fires when the deadline is reached, in order", func(t *testing.T) {
		c := NewVirtual(start)
		late, early := c.After(2*time.Second), c.After(time.Second)
		select {
		case <-early:
			t.Fatal("fired before the clock moved")
		default:
		}
		c.Advance(time.Second)
		if got := <-early; !got.Equal(start.Add(time.Second)) {
			t.Fatalf("fired with %v", got)
		}
		select {
		case <-late:
			t.Fatal("late waiter fired early")
		default:
		}
		c.Set(start.Add(time.Hour))
		<-late
		if c.Waiters() != 0 {
			t.Fatalf("%d waiters left", c.Waiters())
		}
	})
	t.Run("non-positive durations fire at once", func(t *testing.T) {
		<-NewVirtual(start).After(0)
	})
	t.Run("sleep wakes on advance and forgets cancelled sleepers", func(t *testing.T) {
		c := NewVirtual(start)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() { defer wg.Done(); errs[0] = c.Sleep(context.Background(), time.Minute) }()
		go func() { defer wg.Done(); errs[1] = c.Sleep(ctx, time.Hour) }()
		if err := c.BlockUntil(context.Background(), 2); err != nil {
			t.Fatal(err)
		}
		cancel()
		c.Advance(time.Minute)
		wg.Wait()
		if errs[0] != nil || !errors.Is(errs[1], context.Canceled) {
			t.Fatalf("sleep results %v", errs)
		}
		if c.Waiters() != 0 {
			t.Fatalf("cancelled sleeper still waiting")
		}
	})
	t.Run("block until respects its context", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		if err := NewVirtual(start).BlockUntil(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestRealClockSleep(t *testing.T) {
	var c Clock = Real{}
	if err := c.Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	<-c.After(time.Millisecond)
	if time.Since(c.Now()) > time.Minute {
		t.Fatal("RealClock.Now is not the wall clock")
	}
}

func TestAdvanceFiresWhatFiringsRegister(t *testing.T) {
	start := time.Unix(1000, 0)
	c := NewVirtual(start)
	var got []time.Duration
	busy := Hold(c)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// A retry loop: each wake does its work, then waits twice as long.
		for wait := time.Second; wait <= 8*time.Second; wait *= 2 {
			tm := NewTimer(c, wait)
			busy()
			<-tm.C
			got = append(got, c.Now().Sub(start))
			busy = tm.Done
		}
		busy()
	}()
	c.Advance(20 * time.Second)
	<-done
	want := []time.Duration{time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second}
	if !slices.Equal(got, want) {
		t.Fatalf("one advance fired at %v, want %v", got, want)
	}
	if c.Now() != start.Add(20*time.Second) || c.Busy() != 0 || c.Waiters() != 0 {
		t.Fatalf("after the advance: now %v, busy %d, waiters %d", c.Now(), c.Busy(), c.Waiters())
	}
}
