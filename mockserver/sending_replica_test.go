package mockserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/store/storetest"
)

// An attempt on the wire is seen as sending by a replica that reads it
// from the store: the mark is in the delivery's work, not in the record
// written before the send, and the reader takes it from there.
func TestAnotherReplicaSeesTheAttemptOnTheWire(t *testing.T) {
	for _, b := range storetest.Backends() {
		if b.Name != "postgres" {
			continue // the one backend two processes share
		}
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			release := make(chan struct{})
			var probed atomic.Bool
			consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if probed.CompareAndSwap(false, true) {
					return // the verification probe
				}
				<-release
			}))
			defer consumer.Close()
			defer close(release)
			spec := b.Fresh(t)
			replica := func() *mockserver.Provider {
				p, err := mockserver.NewProvider(mockserver.Options{Seed: 3, Store: storetest.Open(t, spec, store.Options{})})
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			a, other := replica(), replica()
			if _, err := a.CreateWebhook(ctx, mockserver.WebhookInput{URL: consumer.URL}); err != nil {
				t.Fatal(err)
			}
			tr, err := a.Trigger(ctx, "calltransfer.triggered")
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				d, err := other.Delivery(ctx, tr.Deliveries[0])
				if err == nil && d.Sending == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the other replica reads %+v (%v), want attempt 1 sending", d, err)
				}
				time.Sleep(10 * time.Millisecond)
			}
			page, err := other.QueryDeliveries(ctx, store.Query{})
			if err != nil || len(page.Deliveries) != 1 || page.Deliveries[0].Sending != 1 {
				t.Fatalf("the other replica pages %+v (%v), want attempt 1 sending", page.Deliveries, err)
			}
		})
	}
}
