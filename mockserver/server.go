package mockserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"time"
)

// Server is a Provider listening on a loopback port, for Go test suites:
//
//	srv, err := mockserver.New(mockserver.Options{Clock: clock.NewVirtual(start)})
//	defer srv.Close()
//	// register a webhook at srv.URL+"/v1/webhooks", then:
//	srv.Trigger(ctx, "calltransfer.triggered")
type Server struct {
	*Provider
	// URL is the server's base URL, e.g. http://127.0.0.1:40123.
	URL string
	ts  *httptest.Server
}

// New starts an in-process mock provider on a loopback port.
func New(opts Options) (*Server, error) {
	p, err := NewProvider(opts)
	if err != nil {
		return nil, err
	}
	ts := httptest.NewUnstartedServer(p.Handler())
	p.opts.Server.configure(ts.Config)
	ts.Start()
	return &Server{Provider: p, URL: ts.URL, ts: ts}, nil
}

// Close stops the server: in-flight deliveries get a few seconds to
// finish, the rest are recorded as interrupted, and every goroutine ends.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Provider.Shutdown(ctx)
	s.ts.Close()
	s.Provider.Close()
}

// Serve runs the provider on ln until ctx ends, then shuts down
// gracefully: the listener closes, in-flight requests and deliveries get
// grace to finish, and undelivered events are recorded as interrupted.
func Serve(ctx context.Context, ln net.Listener, p *Provider, grace time.Duration) error {
	hs := &http.Server{Handler: p.Handler(), ErrorLog: slog.NewLogLogger(p.log.Handler(), slog.LevelDebug)}
	p.opts.Server.configure(hs)
	// Live streams never finish by themselves; graceful shutdown ends them
	// rather than waiting out its grace for them.
	hs.RegisterOnShutdown(p.stream.close)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		p.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	herr := hs.Shutdown(sctx)
	p.Shutdown(sctx)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if herr != nil && !errors.Is(herr, context.DeadlineExceeded) {
		return herr
	}
	return nil
}
