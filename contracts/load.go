package contracts

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// topKeys are the keys of a contract file. name, events and reads are the
// version gate's consumer format, which this format extends.
var topKeys = []string{"name", "endpoint", "spec", "signing", "events", "deadline", "timeout", "success",
	"concurrency", "seed", "bodyLimit", "clauses", "reads"}

// LoadContract reads a contract file and resolves it against its provider
// contract; every error names the file and line.
func LoadContract(path string) (*Contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseContract(path, data)
	if err != nil {
		return nil, err
	}
	if err := c.Resolve(); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseContract reads a contract without loading its provider contract
// (Resolve does that); source names it in errors.
func ParseContract(source string, data []byte) (*Contract, error) {
	base := filepath.Base(source)
	c := &Contract{Name: strings.TrimSuffix(base, filepath.Ext(base)), Source: source, lines: map[string]int{}}
	r := yamlReader{source}
	root, err := yamlsafe.Parse(source, data, yamlsafe.Limits{})
	if err != nil || root == nil {
		return c, err
	}
	top, err := r.mapping(root, "the contract", topKeys...)
	if err != nil {
		return nil, err
	}
	for _, kv := range top {
		c.setLine(kv.k.Value, kv.k.Line)
		if err := c.parseTop(r, kv); err != nil {
			return nil, err
		}
	}
	if len(c.Events) > 0 {
		for _, ev := range slices.Sorted(maps.Keys(c.Reads)) {
			if !contains(c.Events, ev) {
				return nil, fmt.Errorf("%s:%d: reads names %q, which is not in events", source, c.lines["reads/"+ev], ev)
			}
		}
	}
	return c, nil
}

func (c *Contract) parseTop(r yamlReader, kv keyValue) error {
	k, v := kv.k.Value, kv.v
	var err error
	switch k {
	case "name":
		c.Name, err = r.str(v, "name")
	case "endpoint":
		c.Endpoint, err = r.str(v, "endpoint")
	case "spec":
		c.SpecRef, err = r.str(v, "spec")
	case "signing":
		err = c.parseSigning(r, v)
	case "events":
		var evs []*yaml.Node
		evs, err = r.list(v, "events")
		for j, x := range evs {
			c.Events = append(c.Events, x.Value)
			c.setLine(fmt.Sprintf("events/%d", j), x.Line)
		}
	case "deadline":
		c.Deadline, err = r.duration(v, "deadline")
	case "timeout":
		c.Timeout, err = r.duration(v, "timeout")
	case "success":
		if v.Value != "200" && !strings.EqualFold(v.Value, "2xx") {
			return r.errf(v, "success: want 200 or 2xx, got %q", v.Value)
		}
		c.Success = strings.ToLower(v.Value)
	case "concurrency":
		c.Concurrency, err = r.positive(v, "concurrency")
	case "seed":
		c.Seed, err = strconv.ParseUint(v.Value, 10, 64)
		if err != nil || c.Seed == 0 {
			return r.errf(v, "seed: want a positive integer, got %q", v.Value)
		}
	case "bodyLimit":
		c.BodyLimit, err = r.positive(v, "bodyLimit")
	case "clauses":
		err = c.parseClauses(r, v)
	case "reads":
		err = c.parseReads(r, v)
	}
	return err
}

func (c *Contract) parseSigning(r yamlReader, n *yaml.Node) error {
	kvs, err := r.mapping(n, "signing", "scheme", "secret", "secretEnv", "basicAuth", "params")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		c.setLine("signing/"+kv.k.Value, kv.v.Line)
		if kv.k.Value == "params" {
			// The generic hmac scheme's header, algorithm, encoding…, as
			// hookmock.yaml's webhooks.signingParams.
			var p signing.Params
			if err := kv.v.Decode(&p); err != nil {
				return r.errf(kv.v, "signing.params: %v", err)
			}
			c.Signing.Params = &p
			continue
		}
		s, err := r.str(kv.v, "signing."+kv.k.Value)
		if err != nil {
			return err
		}
		switch kv.k.Value {
		case "scheme":
			if c.Signing.Scheme, err = signing.ParseScheme(s); err != nil {
				return r.errf(kv.v, "signing.scheme: %v", err)
			}
		case "secret":
			c.Signing.Secret = s
		case "secretEnv":
			c.Signing.SecretEnv = s
		case "basicAuth":
			c.Signing.BasicAuth = s
		}
	}
	return nil
}

func (c *Contract) parseReads(r yamlReader, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return r.errf(n, "reads must map events to lists of fields")
	}
	kvs, err := r.mapping(n, "reads")
	if err != nil {
		return err
	}
	c.Reads = map[string][]string{}
	for _, kv := range kvs {
		paths, err := r.list(kv.v, "reads."+kv.k.Value)
		if err != nil {
			return err
		}
		c.setLine("reads/"+kv.k.Value, kv.k.Line)
		for _, p := range paths {
			ptr, err := FieldPointer(p.Value)
			if err != nil {
				return r.errf(p, "%v", err)
			}
			c.Reads[kv.k.Value] = append(c.Reads[kv.k.Value], ptr)
		}
	}
	return nil
}

func (c *Contract) parseClauses(r yamlReader, n *yaml.Node) error {
	kvs, err := r.mapping(n, "clauses", append([]string{"skip"}, ClauseIDs()...)...)
	if err != nil {
		return err
	}
	o := &c.Clauses
	for _, kv := range kvs {
		k, v := kv.k.Value, kv.v
		c.setLine("clauses/"+k, kv.k.Line)
		switch k {
		case "skip":
			ids, err := r.list(v, "clauses.skip")
			if err != nil {
				return err
			}
			for _, id := range ids {
				if !contains(ClauseIDs(), id.Value) {
					return r.errf(id, "clauses.skip: unknown clause %q (want %s)", id.Value, strings.Join(ClauseIDs(), ", "))
				}
				o.Skip = append(o.Skip, id.Value)
			}
		case ClauseRejectsBadSignature:
			err = parseBadSignature(r, v, &o.RejectsBadSignature)
		case ClauseDuplicateSafe:
			err = parseDuplicate(r, v, &o.DuplicateSafe)
		case ClauseSchemaViolations:
			err = parseSchemaViolations(r, v, &o.SchemaViolations)
		case ClauseOutOfOrder:
			err = c.parseOutOfOrder(r, v)
		default:
			if !empty(v) {
				return r.errf(v, "clauses.%s takes no options (write %s: {} or leave it out)", k, k)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parseBadSignature(r yamlReader, n *yaml.Node, o *BadSignatureOptions) error {
	if empty(n) {
		return nil
	}
	kvs, err := r.mapping(n, "clauses."+ClauseRejectsBadSignature, "staleBy", "staleTimestamp")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		switch kv.k.Value {
		case "staleBy":
			if o.StaleBy, err = r.duration(kv.v, "staleBy"); err != nil {
				return err
			}
		case "staleTimestamp":
			if o.StaleTimestamp, err = parseStaleLevel(kv.v.Value); err != nil {
				return r.errf(kv.v, "staleTimestamp: %v", err)
			}
		}
	}
	return nil
}

func parseDuplicate(r yamlReader, n *yaml.Node, o *DuplicateOptions) error {
	if empty(n) {
		return nil
	}
	kvs, err := r.mapping(n, "clauses."+ClauseDuplicateSafe, "idempotencyProbe")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		p := &IdempotencyProbe{}
		pkvs, err := r.mapping(kv.v, "idempotencyProbe", "url", "command", "settle")
		if err != nil {
			return err
		}
		for _, pkv := range pkvs {
			switch pkv.k.Value {
			case "url":
				p.URL, err = r.str(pkv.v, "idempotencyProbe.url")
			case "command":
				var args []*yaml.Node
				args, err = r.list(pkv.v, "idempotencyProbe.command")
				for _, a := range args {
					p.Command = append(p.Command, a.Value)
				}
			case "settle":
				p.Settle, err = r.duration(pkv.v, "idempotencyProbe.settle")
			}
			if err != nil {
				return err
			}
		}
		if err := p.check(); err != nil {
			return r.errf(kv.v, "idempotencyProbe: %v", err)
		}
		o.IdempotencyProbe = p
	}
	return nil
}

func parseSchemaViolations(r yamlReader, n *yaml.Node, o *SchemaViolationOptions) error {
	expect := func(v *yaml.Node) error {
		e, err := ParseExpectation(v.Value)
		if err != nil {
			return r.errf(v, "clauses.%s: %v", ClauseSchemaViolations, err)
		}
		o.Expect = e
		return nil
	}
	if n.Kind == yaml.ScalarNode && !empty(n) {
		return expect(n)
	}
	if empty(n) {
		return nil
	}
	kvs, err := r.mapping(n, "clauses."+ClauseSchemaViolations, "expect", "kinds")
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		if kv.k.Value == "expect" {
			if err := expect(kv.v); err != nil {
				return err
			}
			continue
		}
		kinds, err := r.list(kv.v, "kinds")
		if err != nil {
			return err
		}
		for _, k := range kinds {
			kind, err := generator.ParseKind(k.Value)
			if err != nil || kind == generator.RandomKind {
				return r.errf(k, "kinds: unknown kind %q (want %s)", k.Value, kindNames())
			}
			o.Kinds = append(o.Kinds, kind)
		}
	}
	return nil
}

func (c *Contract) parseOutOfOrder(r yamlReader, n *yaml.Node) error {
	if empty(n) {
		return nil
	}
	kvs, err := r.mapping(n, "clauses."+ClauseOutOfOrder, "lifecycle", "correlate")
	if err != nil {
		return err
	}
	o := &c.Clauses.OutOfOrder
	for _, kv := range kvs {
		switch kv.k.Value {
		case "lifecycle":
			evs, err := r.list(kv.v, "lifecycle")
			if err != nil {
				return err
			}
			if len(evs) < 2 {
				return r.errf(kv.v, "lifecycle: list at least two events, in the order they happen")
			}
			for j, e := range evs {
				o.Lifecycle = append(o.Lifecycle, e.Value)
				c.setLine(fmt.Sprintf("lifecycle/%d", j), e.Line)
			}
		case "correlate":
			s, err := r.str(kv.v, "correlate")
			if err != nil {
				return err
			}
			if o.Correlate, err = FieldPointer(s); err != nil {
				return r.errf(kv.v, "correlate: %v", err)
			}
		}
	}
	return nil
}

// FieldPointer accepts a JSON pointer or a dotted path
// ("payload.items[].id", where [] matches any array index as "*").
func FieldPointer(s string) (string, error) {
	if strings.HasPrefix(s, "/") {
		if _, err := spec.Split(s); err != nil {
			return "", err
		}
		return s, nil
	}
	var toks []string
	for _, t := range strings.Split(s, ".") {
		t = strings.ReplaceAll(t, "[]", ".*")
		for _, part := range strings.Split(t, ".") {
			if part == "" {
				return "", fmt.Errorf("field %q: empty segment (write payload.room or /payload/room)", s)
			}
			toks = append(toks, part)
		}
	}
	return spec.Join("", toks...), nil
}

func kindNames() string {
	names := make([]string, len(generator.Kinds))
	for i, k := range generator.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// ParseExpectation reads reject, accept or either.
func ParseExpectation(s string) (Expectation, error) {
	switch e := Expectation(s); e {
	case Reject, Accept, Either:
		return e, nil
	}
	return "", fmt.Errorf("want reject, accept or either, got %q", s)
}

// parseStaleLevel reads fail or warn.
func parseStaleLevel(s string) (Verdict, error) {
	switch v := Verdict(s); v {
	case VerdictFail, VerdictWarn:
		return v, nil
	}
	return "", fmt.Errorf("want fail or warn, got %q", s)
}
