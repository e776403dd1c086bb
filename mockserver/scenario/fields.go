package scenario

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/spec"
)

// fieldChecker resolves override keys against an event's body schema, so
// that a typo such as payload.romm is caught when the file is loaded
// rather than sent as an extra property (the contract allows unknown
// properties, so the generator would not object).
type fieldChecker struct {
	s          *spec.Spec
	validators map[string]*spec.Validator
}

func newFieldChecker(s *spec.Spec) *fieldChecker {
	return &fieldChecker{s: s, validators: map[string]*spec.Validator{}}
}

// check returns "" when ptr names a declared field of event, or what is
// wrong with it.
func (f *fieldChecker) check(event, ptr, key string) string {
	if strings.Contains(ptr, "=") {
		return fmt.Sprintf("%q: a field name cannot contain '='", key)
	}
	_, msg := f.resolve(event, ptr)
	return msg
}

// checkValue validates a literal override value against the field's schema.
func (f *fieldChecker) checkValue(event, ptr string, v any) string {
	schemas, msg := f.resolve(event, ptr)
	if msg != "" || len(schemas) == 0 {
		return msg
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	val, err := spec.DecodeJSON(raw)
	if err != nil {
		return err.Error()
	}
	// Under a oneOf/anyOf a field can have several schemas; one accepting
	// the value is enough.
	var first string
	for _, sc := range schemas {
		vd, ok := f.validators[sc.Ptr]
		if !ok {
			vd, _ = f.s.SchemaValidator(sc.Ptr)
			f.validators[sc.Ptr] = vd
		}
		if vd == nil {
			return ""
		}
		vs := vd.Validate(val)
		if len(vs) == 0 {
			return ""
		}
		if first == "" {
			first = vs[0].Message
		}
	}
	return fmt.Sprintf("value %s breaks the contract: %s", raw, first)
}

// resolve walks ptr through the event's body schema and returns the
// schemas found at its end; nil schemas with no message mean the field is
// inside a free-form object.
func (f *fieldChecker) resolve(event, ptr string) ([]spec.Schema, string) {
	schemas, err := generator.FieldSchemas(f.s, event, ptr)
	if err != nil {
		return nil, err.Error()
	}
	return schemas, ""
}
