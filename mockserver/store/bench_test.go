package store_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/store/storetest"
)

// BenchmarkStoreWrites times each write a delivery makes, one caller at a
// time: what a serial trigger waits for. On a durable store every call is
// its own commit, so this is the floor under one-at-a-time delivery: a
// trigger cannot return before its Enqueue has committed, and an attempt
// cannot go on the wire before its Mark has.
//
//	go test -run '^$' -bench StoreWrites -benchtime 5000x ./mockserver/store/
func BenchmarkStoreWrites(b *testing.B) {
	doc := bytes.Repeat([]byte("x"), 900) // a delivery record with one attempt, compact
	job := bytes.Repeat([]byte("j"), 700) // the work's job: the body and its plan
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, be.Fresh(b), store.Options{MaxRecords: 1 << 30})
			const owner = "bench"
			n := 0
			next := func() (store.Delivery, store.Work) {
				n++
				id := "dlv_" + strconv.Itoa(n)
				now := time.Now()
				d := store.Delivery{ID: id, WebhookUUID: "hook", EventType: "calltransfer.triggered", EventID: id,
					Status: "pending", CreatedAt: now, UpdatedAt: now, Doc: doc[:300]}
				return d, store.Work{DeliveryID: id, Due: now, Job: job, Owner: owner, LeaseUntil: now.Add(time.Minute)}
			}
			b.Run("enqueue", func(b *testing.B) {
				for b.Loop() {
					d, w := next()
					if err := s.Enqueue(ctx, []store.Delivery{d}, []store.Work{w}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("enqueue+mark+delivered", func(b *testing.B) {
				for b.Loop() {
					d, w := next()
					if err := s.Enqueue(ctx, []store.Delivery{d}, []store.Work{w}); err != nil {
						b.Fatal(err)
					}
					if err := s.Mark(ctx, owner, d.ID, 1); err != nil {
						b.Fatal(err)
					}
					d.Status, d.Terminal, d.Doc = "delivered", true, doc
					if err := s.Delivered(ctx, owner, d, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
