// Package generator produces webhook events from a loaded contract. Every
// event is
//
//   - valid: by construction where the plan is exact (every keyword the
//     event meets is honoured as it is generated; Exactness says which
//     events are, and why not), checked by the spec package's validator
//     before it is returned otherwise, or always WithValidateAll. A value
//     the generator got wrong is a *ContractError naming the schema
//     location, never an invalid event presented as valid;
//   - realistic: an `x-faker` gofakeit template first, then the property's
//     name (room, *_endpoint, email, *_url, user_agent, login, *_at, …),
//     then the schema's own examples (unless a format makes better
//     values), then format, pattern and length; every candidate is checked
//     against the schema and dropped if it does not fit;
//   - reproducible: the same spec, event, seed, clock reading and
//     overrides give the same bytes, in any process. The default clock is
//     a virtual one stopped at Epoch, so the seed alone decides.
//
// It works for any spec the spec package loads (OpenAPI 3.1 `webhooks`,
// 3.0 `x-webhooks`). A Generator compiles each event's schema once into a
// plan ($refs resolved, allOf merged, oneOf/anyOf distributed into
// alternatives) and is safe for concurrent use.
//
// # Choices
//
//   - Seeds: an event's stream is PCG seeded from seed.Mix(seed ^
//     fnv64a(event name) ^ seed.Mix(attempt)); the same seed gives
//     unrelated values for different events. The CLI gives event i of -n
//     the seed seed+i.
//   - Optional properties are present with probability 0.75 at the top
//     three levels, half that at the next two, a quarter at the sixth,
//     then never: big specs stay readable and recursion ends. Nullable
//     values are null one time in ten; arrays hold at most three items
//     more than their minItems; a schema's examples are used half the
//     time when no format or name applies.
//   - Key order is the contract's source order for YAML documents (the
//     order Daily's examples use), and alphabetical for JSON documents,
//     which keep no order once parsed.
//   - Daily envelopes (bodies with `type`, `payload` and `event_ts`):
//     `version` is the contract's event version, `payload.timestamp` the
//     clock's Unix seconds as a digit string (WithIntegerTimestamps for an
//     integer), `event_ts` 0.05 to 0.9 s later with at most three
//     decimals, and `id` follows Daily's observed pattern for the type
//     (dailyIDs). calltransfer.answered has no published example; its id
//     uses "ans", after Daily's dial-out ids. streaming.* timestamps are
//     integers, as in Daily's examples; WithDocumentedForms takes Daily's
//     documented forms where its examples differ.
//   - Daily payloads (shapes in daily_shape.go, per event type): values
//     that relate to each other or to the meeting are set after ordinary
//     generation, where the schema accepts them and no override set them:
//     20-character rooms, S3 keys of domain, room and start, durations
//     from starts and ends, a recording's or transcript's ids and start
//     repeated on its later events.
//   - A Call shares domain, room, meeting, sessions, endpoints and
//     is_sip_refer across a series of events, whose timestamps strictly
//     increase; Call.Participant(n) is person n of its meeting.
//   - Overrides apply after generation; Daily's id and event_ts are then
//     re-derived, unless overridden themselves.
//   - Negative events start from the valid event of the same seed and
//     change one thing; the validator's verdict comes with them.
package generator
