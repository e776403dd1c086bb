// Package scenario plays sequences of webhook events: a call transfer's
// lifecycle, the room events around it, branches, repeats and faults, with
// realistic gaps, deterministically from a seed.
//
// A scenario is written in YAML and checked against the contract when it
// is loaded: an unknown event, a bad duration, an undeclared field, a
// value the field's schema rejects or a bad probability is an error naming
// the file, line and column. Playing needs no HTTP: a Player sends each
// event through an Emitter, which the mock server implements by
// triggering deliveries and the CLI by POSTing once to a URL.
//
// # Format
//
//	name: transfer-then-retry          # lower-case words joined by hyphens
//	description: one line for `hookmock scenario list`
//	vars:                              # variables with their defaults;
//	  retry: false                     #   a run may override them
//	call:                              # the generated call context
//	  isSipRefer: false
//	  from: sip                        # sip | e164: kind of from_endpoint
//	  to: e164                         #   and to_endpoint
//	repeat: 1                          # play the steps N times, a new call each time
//	steps:
//	  - event: calltransfer.triggered  # an event name (or type) of the contract
//	  - event: calltransfer.initiated
//	    after: 50ms..500ms             # gap after the previous step: 300ms, or a range
//	    faults: [dup]                  # faults injected into this event
//	  - event: participant.joined
//	    participant: 2                 # about meeting participant 2 (1..50): its
//	                                   #   session_id, user_id, user_name; none is
//	                                   #   the call's own session
//	  - event: dialout.stopped
//	    set:                           # overrides; ${var} templates are filled in
//	      payload.destination: ${fromEndpoint}
//	  - branch:                        # one alternative, by probability; the
//	      - probability: 0.7           #   remaining mass (here 0.1) takes none
//	        steps:
//	          - event: calltransfer.answered
//	            after: 3s..25s
//	      - probability: 0.2
//	        steps:
//	          - event: calltransfer.completed
//	            after: 30s
//	  - event: calltransfer.triggered
//	    when: retry                    # only when the bool variable is true (!retry: false)
//	    call: new                      # a new call context from here on (same room)
//	    repeat: 2
//
// Steps share one call context (generator.Call): the same room, domain,
// session, meeting session and endpoints, and timestamps that never go
// back. Templates can use the declared variables, the call values (room,
// sessionId, mtgSessionId, domainId, fromEndpoint, toEndpoint), and the
// event's timestamp (Unix seconds, a digit string) and eventTs (fractional
// seconds). A quoted template is a string; an unquoted one is typed after
// substitution (true, 12, 12.5 become JSON booleans and numbers).
//
// The same scenario, seed and variables give the same plan: the same
// delays, branches, events and faults. Under a virtual clock the player
// moves the clock by each delay, so the timestamps are the same too.
package scenario
