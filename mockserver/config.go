package mockserver

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// Config is hookmock.yaml, the one configuration file of `hookmock serve`.
// Command-line flags override its top-level settings.
type Config struct {
	Addr      string      `yaml:"addr"`
	Spec      SpecSetting `yaml:"spec"`
	Seed      uint64      `yaml:"seed"`
	Clock     string      `yaml:"clock"` // real | virtual
	APIKey    string      `yaml:"apiKey"`
	LogFormat string      `yaml:"logFormat"` // text | json
	Delivery  struct {
		Timeout   Duration `yaml:"timeout"`
		Accept2xx bool     `yaml:"accept2xx"`
		Workers   int      `yaml:"workers"`
		// UserAgent overrides the deliveries' User-Agent.
		UserAgent string `yaml:"userAgent"`
		Queue     int    `yaml:"queue"`
		// CAFile (PEM) is trusted for https consumers besides the system
		// roots; a relative path is read from the config file's folder.
		CAFile                 string `yaml:"caFile"`
		InsecureSkipVerify     bool   `yaml:"insecureSkipVerify"`
		MaxResponseHeaderBytes int64  `yaml:"maxResponseHeaderBytes"`
	} `yaml:"delivery"`
	// Outbound lists addresses (CIDR prefixes) allowed or denied beyond the
	// default policy (see wire.Policy).
	Outbound struct {
		Allow []string `yaml:"allow"`
		Deny  []string `yaml:"deny"`
	} `yaml:"outbound"`
	Probe struct {
		Timeout Duration `yaml:"timeout"`
		Signed  bool     `yaml:"signed"`
	} `yaml:"probe"`
	Webhooks struct {
		AllowMultiple bool   `yaml:"allowMultiple"`
		Signing       string `yaml:"signing"`
		// SigningParams configure the generic hmac scheme (header,
		// algorithm, encoding, prefix, signed, timestampHeader,
		// separator) and GitHub's legacySHA1.
		SigningParams    *signing.Params `yaml:"signingParams"`
		FailureThreshold int             `yaml:"failureThreshold"`
		SeededSecrets    bool            `yaml:"seededSecrets"`
	} `yaml:"webhooks"`
	Retry struct {
		Exponential struct {
			Retries int      `yaml:"retries"`
			Base    Duration `yaml:"base"`
			Cap     Duration `yaml:"cap"`
		} `yaml:"exponential"`
	} `yaml:"retry"`
	Log struct {
		MaxDeliveries       int   `yaml:"maxDeliveries"`
		ResponseBodyLimit   int   `yaml:"responseBodyLimit"`
		ResponseHeaderLimit int   `yaml:"responseHeaderLimit"`
		MaxRequestBody      int64 `yaml:"maxRequestBody"`
	} `yaml:"log"`
	// Store is where the provider's state lives (see package store).
	Store struct {
		// URL is memory, sqlite:PATH or postgres://...; serve's default is
		// a SQLite file in the user's state directory.
		URL string `yaml:"url"`
		// Lease is how long pending work stays with a process between
		// renewals (default 30s); a dead process's work moves on after it.
		Lease     Duration `yaml:"lease"`
		Retention struct {
			// MaxRecords caps the log (default log.maxDeliveries, 100,000).
			MaxRecords int `yaml:"maxRecords"`
			// MaxAge evicts terminal records older than this (default: never).
			MaxAge Duration `yaml:"maxAge"`
		} `yaml:"retention"`
	} `yaml:"store"`
	// Server bounds connections (see ServerTimeouts).
	Server struct {
		ReadHeaderTimeout Duration `yaml:"readHeaderTimeout"`
		ReadTimeout       Duration `yaml:"readTimeout"`
		WriteTimeout      Duration `yaml:"writeTimeout"`
		IdleTimeout       Duration `yaml:"idleTimeout"`
		MaxHeaderBytes    int      `yaml:"maxHeaderBytes"`
	} `yaml:"server"`
	// Limits bound what callers can make the provider hold (see Limits).
	Limits struct {
		MaxWait           Duration `yaml:"maxWait"`
		MaxLiveDeliveries int      `yaml:"maxLiveDeliveries"`
		MaxSetKeys        int      `yaml:"maxSetKeys"`
		MaxItems          int      `yaml:"maxItems"`
		MaxScenarioRuns   int      `yaml:"maxScenarioRuns"`
	} `yaml:"limits"`
	// Schedules emit events on an interval, a cron expression or a
	// Poisson rate; see ScheduleConfig.
	Schedules ScheduleList `yaml:"schedules"`
	// Actions configure Daily's room actions (sipCallTransfer, sipRefer):
	// errors lists documented failures per room or session.
	Actions struct {
		Errors []ActionError `yaml:"errors"`
	} `yaml:"actions"`

	outbound wire.Policy // Outbound, parsed by check
}

// Duration reads "90s", "15m" and the like.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d, column %d: %q is not a duration (e.g. 500ms, 5s, 15m)", n.Line, n.Column, n.Value)
	}
	*d = Duration(v)
	return nil
}

// LoadConfig reads a config file; unknown keys and bad values are errors
// naming the file, line and column.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data)
}

// ParseConfig reads hookmock.yaml's bytes; path names the file in errors
// and anchors a relative caFile.
func ParseConfig(path string, data []byte) (*Config, error) {
	var c Config
	root, err := yamlsafe.Parse(path, data, yamlsafe.Limits{})
	if err != nil {
		return nil, err
	}
	if err := yamlsafe.Decode(path, root, &c); err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Delivery.CAFile != "" && !filepath.IsAbs(c.Delivery.CAFile) {
		c.Delivery.CAFile = filepath.Join(filepath.Dir(path), c.Delivery.CAFile)
	}
	for i := range c.Schedules {
		c.Schedules[i].file = path
	}
	return &c, nil
}

func (c *Config) check() error {
	switch c.Clock {
	case "", "real", "virtual":
	default:
		return fmt.Errorf("clock: %q is not real or virtual", c.Clock)
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		return fmt.Errorf("logFormat: %q is not text or json", c.LogFormat)
	}
	if err := checkCounts(c.Delivery.Workers, c.Delivery.Queue); err != nil {
		return err
	}
	policy, err := wire.ParsePolicy(c.Outbound.Allow, c.Outbound.Deny)
	if err != nil {
		return err
	}
	c.outbound = policy
	scheme, err := signing.ParseScheme(c.Webhooks.Signing)
	if err != nil {
		return fmt.Errorf("webhooks.signing: %w", err)
	}
	if p := c.Webhooks.SigningParams; scheme == signing.HMAC || p != nil && p.Header != "" {
		if err := p.Check(signing.HMAC); err != nil {
			return fmt.Errorf("webhooks.signingParams: %w", err)
		}
	}
	return nil
}

// Apply copies the file's settings into provider options.
func (c *Config) Apply(o *Options) {
	o.DeliveryTimeout = time.Duration(c.Delivery.Timeout)
	o.Accept2xx = c.Delivery.Accept2xx
	o.Workers = c.Delivery.Workers
	o.QueueSize = c.Delivery.Queue
	o.ProbeTimeout = time.Duration(c.Probe.Timeout)
	o.SignProbe = c.Probe.Signed
	o.AllowMultipleWebhooks = c.Webhooks.AllowMultiple
	o.Signing = signing.Scheme(c.Webhooks.Signing)
	o.SigningParams = c.Webhooks.SigningParams
	o.UserAgent = c.Delivery.UserAgent
	o.FailureThreshold = c.Webhooks.FailureThreshold
	o.Exponential = Backoff{Retries: c.Retry.Exponential.Retries, Base: time.Duration(c.Retry.Exponential.Base), Cap: time.Duration(c.Retry.Exponential.Cap)}
	o.Outbound = c.outbound
	o.CAFile, o.InsecureSkipVerify = c.Delivery.CAFile, c.Delivery.InsecureSkipVerify
	o.MaxResponseHeaderBytes = c.Delivery.MaxResponseHeaderBytes
	o.MaxDeliveries = c.Log.MaxDeliveries
	o.ResponseBodyLimit = c.Log.ResponseBodyLimit
	o.ResponseHeaderLimit = c.Log.ResponseHeaderLimit
	o.MaxBodyBytes = c.Log.MaxRequestBody
	o.SeededSecrets = c.Webhooks.SeededSecrets
	o.Server = ServerTimeouts{ReadHeader: time.Duration(c.Server.ReadHeaderTimeout), Read: time.Duration(c.Server.ReadTimeout),
		Write: time.Duration(c.Server.WriteTimeout), Idle: time.Duration(c.Server.IdleTimeout), MaxHeaderBytes: c.Server.MaxHeaderBytes}
	o.Limits = Limits{MaxWait: time.Duration(c.Limits.MaxWait), MaxLiveDeliveries: c.Limits.MaxLiveDeliveries, MaxSetKeys: c.Limits.MaxSetKeys,
		MaxItems: c.Limits.MaxItems, MaxScenarioRuns: c.Limits.MaxScenarioRuns}
	o.Schedules = c.Schedules
	o.ActionErrors = c.Actions.Errors
	o.Lease = time.Duration(c.Store.Lease)
}

// Flags are the top-level settings `hookmock serve` also takes as flags,
// with the flag's value whether or not it was given.
type Flags struct {
	Addr, Spec, Clock, APIKey, LogFormat, CAFile, Store string
	Seed                                                uint64
	// Changed reports whether the flag of this name was given.
	Changed func(name string) bool
}

// Override returns the file's settings with the flags laid over them: a
// flag given on the command line wins; a flag left at its default yields
// to a value the file sets, and applies when the file sets none.
func (c Config) Override(f Flags) Config {
	changed := f.Changed
	if changed == nil {
		changed = func(string) bool { return false }
	}
	pick := func(dst *string, name, flag string) {
		if changed(name) || *dst == "" {
			*dst = flag
		}
	}
	pick(&c.Addr, "addr", f.Addr)
	pick(&c.Spec.Path, "spec", f.Spec)
	pick(&c.Clock, "clock", f.Clock)
	pick(&c.APIKey, "api-key", f.APIKey)
	pick(&c.LogFormat, "log-format", f.LogFormat)
	pick(&c.Store.URL, "store", f.Store)
	if changed("ca-file") {
		c.Delivery.CAFile = f.CAFile
	}
	if changed("seed") || c.Seed == 0 {
		c.Seed = f.Seed
	}
	return c
}
