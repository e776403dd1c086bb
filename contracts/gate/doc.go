// Package gate is hookmock's version-bump gate: it compares two versions
// of a webhook contract, says which changes break whom, and checks that
// the version bumps are big enough.
//
// # Direction
//
// Every message has a typed direction (spec.Direction). A webhook's
// request body flows provider → consumer and is judged the way an API
// response is: removing or loosening breaks consumers, adding or
// tightening does not. A webhook's declared responses flow consumer →
// provider and are judged the way a request is, with the mirror rules:
// the provider newly requiring a response body or a response property is
// breaking. Each Rule lists its Impact per direction.
//
// # Rules
//
// Schemas are walked structurally through $ref (sibling keywords merged
// over the target), allOf (merged), anyOf/oneOf (branches paired by
// content, see pairing.go: referenced component, then discriminating
// value, then shared properties, position last; an anyOf of null and one
// branch reads as that branch admitting null, see nullable.go),
// properties, items, prefixItems and additionalProperties, with a memo of (old, new) location pairs that
// also makes recursive schemas terminate. Locations whose subtree is
// identical in both documents are skipped. Rules (see Rules()):
//
//	rule                      provider → consumer     consumer → provider
//	event-removed             breaking, major         -
//	event-added               non-breaking, minor     -
//	response-added            -                       non-breaking, minor
//	response-removed          -                       breaking, major
//	response-body-added       -                       breaking, major
//	response-body-removed     -                       non-breaking, minor
//	property-removed          breaking, major         non-breaking, minor
//	property-added            non-breaking, minor     non-breaking, minor
//	required-property-added   non-breaking, minor     breaking, major
//	property-became-required  non-breaking, minor     breaking, major
//	property-became-optional  breaking, major         non-breaking, minor
//	type-changed              breaking, major         breaking, major
//	type-widened              breaking, major         non-breaking, minor
//	type-narrowed             non-breaking, minor     breaking, major
//	enum-value-added          breaking, major (*)     non-breaking, minor
//	enum-value-removed        non-breaking, minor     breaking, major
//	const-changed             breaking, major         breaking, major
//	discriminator-changed     breaking, major         breaking, major
//	constraint-loosened       breaking, major         non-breaking, minor
//	constraint-tightened      non-breaking, minor     breaking, major
//	constraint-changed        breaking, major         breaking, major
//	variant-added             breaking, major         non-breaking, minor
//	variant-removed           non-breaking, minor     breaking, major
//	description-changed       info, patch             info, patch
//	example-changed           info, patch             info, patch
//	default-changed           info, patch             info, patch
//	annotation-changed        info, patch             info, patch
//
// (*) non-breaking/minor where the new enum schema says
// `x-extensible-enum: true`; a Policy can override any rule's level or
// turn it off. Request headers are provider → consumer and judged with
// the property rules. A replaced pattern or format counts as
// constraint-changed: the gate cannot prove the new one wider or
// narrower.
//
// # Semver
//
// The bump info.version needs is the largest bump any finding needs
// (breaking: major, non-breaking: minor, info: patch). Each event whose
// body declares an envelope version (its `version` property's const,
// enum, default or examples, as Daily's events do) must bump it by the
// largest bump its own body findings need, so an event whose schema
// broke must also bump its own version. Documentation-only changes may,
// but need not, bump an envelope version: it versions the payload. The
// envelope version's own values are not findings.
//
// A bump smaller than needed, a version that is not MAJOR.MINOR.PATCH, or
// one that goes backwards fails the gate; a bump larger than needed is
// reported as an over-bump and passes. Prerelease and build suffixes are
// ignored when measuring a bump.
//
// Before 1.0.0 the API is not stable, and semver (§4) lets anything
// change; the gate follows the convention of npm and Cargo: from a 0.y.z
// version, a breaking change needs a minor bump (0.3.1 → 0.4.0) and every
// other change a patch bump (0.3.1 → 0.3.2). Going to 1.0.0 always covers
// the changes.
//
// # Consumers and replay
//
// ApplyConsumers marks, for each breaking finding, the consumers it
// breaks: those that consume the event and, where they declare the body
// fields they read, read the changed location, a location inside it or
// one containing it. A consumer broken this way fails the gate (the gate
// is then can-i-deploy for webhooks: one payload goes to every
// subscriber, whatever the version number says).
//
// Replay validates recorded old events against the new contract and lists
// those it now rejects. That list does not fail the gate: tightening a
// provider → consumer body (a new required property) rejects old events
// and is still compatible; the list says which fixtures to refresh.
package gate
