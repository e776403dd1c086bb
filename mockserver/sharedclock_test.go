package mockserver_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/internal/pgtest"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
)

// Two providers on one database (as two replicas): advancing the virtual
// clock through one advances the other's. (A SQLite file serves one
// process, so replicas share postgres.)
func TestVirtualClockSharedThroughTheStore(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Shared(t).NewDatabase(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var srvs []*mockserver.Server
	var clocks []*clock.Virtual
	for range 2 {
		st, err := store.OpenPostgres(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		c := clock.NewVirtual(start)
		srv, err := mockserver.New(mockserver.Options{Seed: 1, Clock: c, Store: st})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		srvs, clocks = append(srvs, srv), append(clocks, c)
	}
	req, _ := http.NewRequest("POST", srvs[0].URL+"/_mock/clock/advance", strings.NewReader(`{"by":"15m"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("advance: %v %v", err, resp)
	}
	resp.Body.Close()
	want := start.Add(15 * time.Minute)
	deadline := time.Now().Add(10 * time.Second)
	for clocks[1].Now().Before(want) {
		if time.Now().After(deadline) {
			t.Fatalf("the other provider's clock stayed at %s, want %s", clocks[1].Now(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := clocks[1].Now(); !got.Equal(want) {
		t.Fatalf("the other provider's clock is at %s, want %s", got, want)
	}
}
