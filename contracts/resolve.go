package contracts

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// Resolve loads the provider contract (unless Spec is already set) and
// checks the consumer contract against it: every event it names exists,
// the secret decodes for the scheme, the endpoint is an http(s) URL. Errors
// name the contract file and line.
func (c *Contract) Resolve() error {
	if c.Spec == nil {
		s, err := c.loadSpec()
		if err != nil {
			return c.errAt("spec", "spec: %v", err)
		}
		c.Spec = s
	}
	if c.Signing.Scheme == "" {
		c.Signing.Scheme = signing.Daily
	}
	if _, err := signing.ParseScheme(string(c.Signing.Scheme)); err != nil {
		return c.errAt("signing/scheme", "signing.scheme: %v", err)
	}
	if secret := c.secret(); secret != "" {
		if _, err := signing.NewWith(c.Signing.Scheme, c.Signing.Params, secret); err != nil {
			key := "signing/secret"
			if c.Signing.Secret == "" {
				key = "signing/secretEnv"
			}
			return c.errAt(key, "signing: %v", err)
		}
	}
	if c.Endpoint != "" {
		if err := checkEndpoint(c.Endpoint); err != nil {
			return c.errAt("endpoint", "endpoint: %v", err)
		}
	}
	for i, ev := range c.Events {
		if err := c.lookup(ev, fmt.Sprintf("events/%d", i)); err != nil {
			return err
		}
	}
	for _, ev := range slices.Sorted(maps.Keys(c.Reads)) {
		if err := c.lookup(ev, "reads/"+ev); err != nil {
			return err
		}
	}
	for i, ev := range c.Clauses.OutOfOrder.Lifecycle {
		if err := c.lookup(ev, fmt.Sprintf("lifecycle/%d", i)); err != nil {
			return err
		}
	}
	if c.Deadline < 0 || c.Timeout < 0 {
		return c.errAt("deadline", "deadline and timeout must be positive")
	}
	if c.Timeout > 0 && c.Timeout < c.deadline() {
		return c.errAt("timeout", "timeout %s is shorter than the deadline %s", c.Timeout, c.deadline())
	}
	if e := c.Clauses.SchemaViolations.Expect; e != "" {
		if _, err := ParseExpectation(string(e)); err != nil {
			return c.errAt("clauses/"+ClauseSchemaViolations, "clauses.%s: %v", ClauseSchemaViolations, err)
		}
	}
	if v := c.Clauses.RejectsBadSignature.StaleTimestamp; v != "" {
		if _, err := parseStaleLevel(string(v)); err != nil {
			return c.errAt("clauses/"+ClauseRejectsBadSignature, "clauses.%s.staleTimestamp: %v", ClauseRejectsBadSignature, err)
		}
	}
	if p := c.Clauses.DuplicateSafe.IdempotencyProbe; p != nil {
		if err := p.check(); err != nil {
			return c.errAt("clauses/"+ClauseDuplicateSafe, "idempotencyProbe: %v", err)
		}
	}
	for _, id := range c.Clauses.Skip {
		if !contains(ClauseIDs(), id) {
			return c.errAt("clauses/skip", "clauses.skip: unknown clause %q (want %s)", id, strings.Join(ClauseIDs(), ", "))
		}
	}
	return nil
}

// loadSpec loads SpecRef, relative to the contract file, or the default.
func (c *Contract) loadSpec() (*spec.Spec, error) {
	ref := c.SpecRef
	if ref == "" {
		return spec.Default()
	}
	if !strings.HasPrefix(ref, "embedded:") && !filepath.IsAbs(ref) && c.Source != "" {
		ref = filepath.Join(filepath.Dir(c.Source), ref)
	}
	return spec.LoadFile(ref)
}

func (c *Contract) lookup(ev, key string) error {
	if _, ok := c.Spec.Lookup(ev); ok {
		return nil
	}
	return c.errAt(key, "event %q is not in %s (events: %s)", ev, c.Spec.Source, strings.Join(c.Spec.EventNames(), ", "))
}

// secret is the signing secret, from the contract or its environment variable.
func (c *Contract) secret() string {
	if c.Signing.Secret == "" && c.Signing.SecretEnv != "" {
		return os.Getenv(c.Signing.SecretEnv)
	}
	return c.Signing.Secret
}

// errAt words an error at a contract entry: "file:line: …" for YAML
// contracts, "contract NAME: …" for contracts built in code.
func (c *Contract) errAt(key, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	switch line := c.lines[key]; {
	case c.Source != "" && line > 0:
		return fmt.Errorf("%s:%d: %s", c.Source, line, msg)
	case c.Source != "":
		return fmt.Errorf("%s: %s", c.Source, msg)
	}
	return fmt.Errorf("contract %q: %s", c.Name, msg)
}

func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

func (p *IdempotencyProbe) check() error {
	switch {
	case (p.URL == "") == (len(p.Command) == 0):
		return errors.New("give exactly one of url and command")
	case p.URL != "" && !strings.Contains(p.URL, "{id}"):
		return errors.New(`url must contain "{id}", where the event id goes`)
	case p.URL != "":
		return checkEndpoint(strings.ReplaceAll(p.URL, "{id}", "x"))
	case !strings.Contains(strings.Join(p.Command, " "), "{id}"):
		return errors.New(`command must contain "{id}", where the event id goes`)
	}
	return nil
}
