package mockserver

import "github.com/hookmock/hookmock/mockserver/wire"

// The records and faults of the provider's API live in the leaf package
// wire, so that the verifier and the load generator share them without
// linking the provider; they are named here too, so that a library user
// needs one import.
type (
	Fault        = wire.Fault
	FaultKind    = wire.FaultKind
	AppliedFault = wire.AppliedFault
	Delivery     = wire.Delivery
	Attempt      = wire.Attempt
	SentRequest  = wire.SentRequest
	GotResponse  = wire.GotResponse
	Status       = wire.Status
	DeliveryLog  = wire.DeliveryLog
	StoreStats   = wire.StoreStats
)

const (
	FaultDuplicate        = wire.FaultDuplicate
	FaultReorder          = wire.FaultReorder
	FaultDelay            = wire.FaultDelay
	FaultDropFirst        = wire.FaultDropFirst
	FaultBadSignature     = wire.FaultBadSignature
	FaultMissingSignature = wire.FaultMissingSignature
	FaultStaleTimestamp   = wire.FaultStaleTimestamp
	FaultFutureTimestamp  = wire.FaultFutureTimestamp
	FaultContentType      = wire.FaultContentType
	FaultTruncatedBody    = wire.FaultTruncatedBody
	FaultMalformedBody    = wire.FaultMalformedBody
	FaultSchemaViolation  = wire.FaultSchemaViolation
	FaultSlowSend         = wire.FaultSlowSend

	StatusPending     = wire.StatusPending
	StatusRetrying    = wire.StatusRetrying
	StatusDelivered   = wire.StatusDelivered
	StatusDropped     = wire.StatusDropped
	StatusSkipped     = wire.StatusSkipped
	StatusInterrupted = wire.StatusInterrupted
)

// WithFaults injects faults into the deliveries of one triggered event.
func WithFaults(f ...Fault) TriggerOption {
	return func(r *triggerRequest) { r.faults = append(r.faults, f...) }
}
