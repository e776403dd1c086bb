package wire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Policy decides which addresses hookmock sends webhooks, probes and --to
// requests to. By default it refuses link-local addresses (169.254.0.0/16,
// fe80::/10) and the cloud metadata endpoints, so that a webhook URL cannot
// make hookmock read instance credentials or scan the host's neighbours;
// loopback and private ranges stay allowed, since local development lives
// there. Allow overrides the defaults and Deny, Deny refuses more.
//
// The check runs on the address actually dialled, after DNS resolution, so
// neither a name that resolves to a denied address nor a redirect to one
// gets through.
type Policy struct {
	Allow []netip.Prefix
	Deny  []netip.Prefix
	// Resolver looks names up for CheckURL; nil is net.DefaultResolver.
	Resolver *net.Resolver
}

// DefaultDenied are the ranges and addresses refused unless allowed.
var DefaultDenied = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),     // link-local; AWS, GCP, Azure, OpenStack metadata at 169.254.169.254
	netip.MustParsePrefix("fe80::/10"),          // IPv6 link-local
	netip.MustParsePrefix("fd00:ec2::254/128"),  // AWS metadata over IPv6
	netip.MustParsePrefix("100.100.100.200/32"), // Alibaba Cloud metadata
	netip.MustParsePrefix("168.63.129.16/32"),   // Azure WireServer
}

// metadataHosts are names of metadata services, refused before any lookup.
var metadataHosts = []string{"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal", "metadata.azure.internal"}

// PolicyError says why an address is refused; the message names the
// policy and its setting.
type PolicyError struct {
	Host   string
	Addr   netip.Addr
	Reason string
}

func (e *PolicyError) Error() string {
	what := e.Host
	if e.Addr.IsValid() && e.Host != e.Addr.String() {
		what += " (" + e.Addr.String() + ")"
	}
	return fmt.Sprintf("outbound policy: hookmock does not send to %s, %s (hookmock serve allows more with outbound.allow in hookmock.yaml)", what, e.Reason)
}

// ParsePolicy reads the allow and deny lists: CIDR prefixes or single
// addresses. Errors name the list and the item.
func ParsePolicy(allow, deny []string) (Policy, error) {
	var p Policy
	for _, l := range []struct {
		name string
		in   []string
		out  *[]netip.Prefix
	}{{"outbound.allow", allow, &p.Allow}, {"outbound.deny", deny, &p.Deny}} {
		for i, s := range l.in {
			pf, err := netip.ParsePrefix(s)
			if err != nil {
				a, aerr := netip.ParseAddr(s)
				if aerr != nil {
					return p, fmt.Errorf("%s[%d]: %q is not an address or a CIDR prefix (e.g. 169.254.0.0/16)", l.name, i, s)
				}
				pf = netip.PrefixFrom(a, a.BitLen())
			}
			*l.out = append(*l.out, pf.Masked())
		}
	}
	return p, nil
}

func contains(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// CheckAddr refuses a denied address.
func (p Policy) CheckAddr(host string, a netip.Addr) error {
	a = a.Unmap()
	switch {
	case contains(p.Allow, a):
		return nil
	case contains(p.Deny, a):
		return &PolicyError{Host: host, Addr: a, Reason: "which outbound.deny lists"}
	case contains(DefaultDenied, a):
		return &PolicyError{Host: host, Addr: a, Reason: "a link-local or cloud-metadata address"}
	}
	return nil
}

// CheckHost refuses the metadata service names by name, and any literal
// address the policy denies.
func (p Policy) CheckHost(host string) error {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return p.CheckAddr(host, a)
	}
	for _, m := range metadataHosts {
		if h == m {
			return &PolicyError{Host: host, Reason: "a cloud-metadata host name"}
		}
	}
	return nil
}

// CheckURL resolves a URL's host and refuses it if the policy denies the
// name or any address it resolves to. It is the early check that lets an
// API answer 400; the dialer checks again at connect time.
func (p Policy) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if err := p.CheckHost(host); err != nil {
		return err
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res := p.Resolver
	if res == nil {
		res = net.DefaultResolver
	}
	addrs, err := res.LookupNetIP(ctx, "ip", host)
	if err != nil {
		// Not the policy's business: the send will fail and say so.
		return nil
	}
	for _, a := range addrs {
		if err := p.CheckAddr(host, a); err != nil {
			return err
		}
	}
	return nil
}

// control is a net.Dialer Control hook: it sees the address about to be
// dialled, after resolution, for every connection (redirects included).
func (p Policy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("outbound policy: cannot read the address %q", address)
	}
	return p.CheckAddr(ap.Addr().String(), ap.Addr())
}

// Dialer is a dialer that refuses what the policy denies, for transports
// built elsewhere.
func (p Policy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: p.control}
}

// TransportOptions configure NewTransport.
type TransportOptions struct {
	Policy Policy
	// CAFile adds the PEM certificates in this file to the system's roots,
	// for a consumer with a self-signed or private-CA certificate.
	CAFile string
	// InsecureSkipVerify accepts any certificate. It is never the default.
	InsecureSkipVerify bool
	// MaxResponseHeaderBytes bounds a consumer's response headers (default
	// 64 KiB); past it the attempt fails and says so.
	MaxResponseHeaderBytes int64
	// MaxIdleConns sizes the keep-alive pool, per host and in all
	// (default 100); size it for the sends in flight, or every answer
	// past it closes a connection that the next send dials again.
	MaxIdleConns int
}

// DefaultMaxResponseHeaderBytes is the consumer response header limit.
const DefaultMaxResponseHeaderBytes = 64 << 10

// NewTransport is the transport every hookmock sender uses: the outbound
// policy on every dial, the trust settings, and a response header limit.
func NewTransport(o TransportOptions) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = o.Policy.Dialer(30 * time.Second).DialContext
	t.Proxy = nil // a proxy would dial for us, past the policy
	t.MaxResponseHeaderBytes = o.MaxResponseHeaderBytes
	if t.MaxResponseHeaderBytes <= 0 {
		t.MaxResponseHeaderBytes = DefaultMaxResponseHeaderBytes
	}
	if o.MaxIdleConns > 0 {
		t.MaxIdleConns = o.MaxIdleConns
	}
	// net/http keeps 2 idle connections per host by default; a sender
	// talks to a few consumers with many requests in flight to each.
	t.MaxIdleConnsPerHost = t.MaxIdleConns
	if o.CAFile != "" || o.InsecureSkipVerify {
		cfg := &tls.Config{InsecureSkipVerify: o.InsecureSkipVerify} //nolint:gosec // explicit, and logged by the caller
		if o.CAFile != "" {
			pem, err := os.ReadFile(o.CAFile)
			if err != nil {
				return nil, fmt.Errorf("delivery.caFile: %w", err)
			}
			pool, err := x509.SystemCertPool()
			if err != nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("delivery.caFile: %s holds no PEM certificate", o.CAFile)
			}
			cfg.RootCAs = pool
		}
		t.TLSClientConfig = cfg
	}
	return t, nil
}

// Describe says in hookmock's words what went wrong with a request, without
// the remote's details (which port refused, what the body said), so that a
// webhook URL cannot be used to scan what hookmock can reach.
func Describe(err error, timeout time.Duration) string {
	var pe *PolicyError
	var ue *url.Error
	var ce *tls.CertificateVerificationError
	var he x509.HostnameError
	var ne net.Error
	switch {
	case errors.As(err, &pe):
		return pe.Error()
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.As(err, &ce) || errors.As(err, &he):
		return "the consumer's TLS certificate is not trusted (see delivery.caFile)"
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		return "the TLS handshake with the consumer failed"
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return "the consumer's response headers are larger than delivery.maxResponseHeaderBytes"
	case errors.As(err, &ue):
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "dial" {
			return "could not connect to the url's host"
		}
		var de *net.DNSError
		if errors.As(err, &de) {
			return "the url's host name does not resolve"
		}
		return "the connection failed before an answer came"
	}
	return "the request failed"
}

// DefaultHeaderLimit is how many bytes of response headers an attempt
// records by default: a consumer may send up to the transport's limit, and
// a log of thousands of attempts must not keep them all.
const DefaultHeaderLimit = 8 << 10

// capHeaders keeps whole headers, in name order, until limit bytes of
// names and values are used; it reports whether any were left out.
func capHeaders(h http.Header, limit int) (http.Header, bool) {
	if limit <= 0 {
		limit = DefaultHeaderLimit
	}
	size := 0
	for k, vs := range h {
		for _, v := range vs {
			size += len(k) + len(v)
		}
	}
	if size <= limit {
		return h, false
	}
	out := http.Header{}
	used := 0
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			if used+len(k)+len(v) > limit {
				return out, true
			}
			used += len(k) + len(v)
			out[k] = append(out[k], v)
		}
	}
	return out, true
}
