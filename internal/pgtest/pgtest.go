// Package pgtest starts a real PostgreSQL server for tests: Debian's
// initdb and pg_ctl in a temporary directory, on a free loopback port, as
// an unprivileged user when the test runs as root (Postgres refuses root).
//
// When the binaries are absent the test is skipped with a message saying
// what to install, except under CI=true, where it fails: CI installs the
// package, so a missing binary there is a broken set-up, not a choice.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is one running Postgres cluster owned by a test.
type Server struct {
	bin  string // directory of initdb, pg_ctl
	dir  string // temporary directory: data, socket, log
	port int
	user *runAs
	dbs  atomic.Int64
}

// Binaries finds the directory holding initdb and pg_ctl: $PG_BIN, then
// the newest /usr/lib/postgresql/*/bin, then $PATH.
func Binaries() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d, check(d)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if check(d) == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		return d, check(d)
	}
	return "", errors.New("no initdb/pg_ctl in $PG_BIN, /usr/lib/postgresql/*/bin or $PATH; install Debian's postgresql package (apt-get install -y postgresql)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func check(d string) error {
	for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(d, b)); err != nil {
			return fmt.Errorf("postgres binaries in %s: %w", d, err)
		}
	}
	return nil
}

// Start initialises and starts a cluster, stopped and removed when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := Binaries()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("postgres tests need a real server under CI=true: %v", err)
		}
		tb.Skipf("skipping postgres test: %v", err)
	}
	s, err := start(bin)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

func start(bin string) (*Server, error) {
	u, err := unprivileged()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hookmock-pg-")
	if err != nil {
		return nil, err
	}
	if err := u.own(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{bin: bin, dir: dir, user: u}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "hookmock", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// The port is free when we look and may be taken before postgres binds
	// it; a few tries make that race harmless.
	for try := 0; ; try++ {
		s.port, err = freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", s.port, dir)
		out, err := s.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start")
		if err == nil {
			return s, nil
		}
		if try == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
		}
	}
}

func (s *Server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	s.user.apply(cmd)
	return cmd.CombinedOutput()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Stop stops the cluster at once and removes its files.
func (s *Server) Stop() {
	if s.dir == "" {
		return
	}
	_, _ = s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(s.dir)
	s.dir = ""
}

// DSN is the connection string of database db.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://hookmock@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// NewDatabase creates an empty database and returns its DSN, so that tests
// sharing one server do not see each other's tables.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("t%d_%s", s.dbs.Add(1), strings.ToLower(sanitize(tb.Name())))
	if len(name) > 60 {
		name = name[:60]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		tb.Fatalf("connect to test postgres: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	return s.DSN(name)
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

var shared struct {
	sync.Mutex
	main bool
	s    *Server
	err  error
}

// Main runs a package's tests and stops the server Shared started, if any:
// call it from TestMain in packages that use Shared.
func Main(m *testing.M) int {
	shared.Lock()
	shared.main = true
	shared.Unlock()
	code := m.Run()
	shared.Lock()
	defer shared.Unlock()
	if shared.s != nil {
		shared.s.Stop()
	}
	return code
}

// Shared is one server for every test of the package, started on first
// use: initdb costs about a second, a database (NewDatabase) almost nothing.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	shared.Lock()
	defer shared.Unlock()
	if !shared.main {
		tb.Fatal("pgtest.Shared needs TestMain to call pgtest.Main, which stops the server")
	}
	if shared.s == nil && shared.err == nil {
		bin, err := Binaries()
		if err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("postgres tests need a real server under CI=true: %v", err)
			}
			tb.Skipf("skipping postgres test: %v", err)
		}
		shared.s, shared.err = start(bin)
	}
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.s
}

// SharedServer is Shared for harnesses without a testing.TB (a Ginkgo
// suite's hooks): it starts the package's server on first use. Binaries
// missing is an error here; the caller decides whether that skips.
func SharedServer() (*Server, error) {
	shared.Lock()
	defer shared.Unlock()
	if !shared.main {
		return nil, errors.New("pgtest.SharedServer needs TestMain to call pgtest.Main, which stops the server")
	}
	if shared.s == nil && shared.err == nil {
		bin, err := Binaries()
		if err != nil {
			return nil, err
		}
		shared.s, shared.err = start(bin)
	}
	return shared.s, shared.err
}

// CreateDatabase creates an empty database and returns its DSN.
func (s *Server) CreateDatabase() (string, error) {
	name := fmt.Sprintf("db%d", s.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return s.DSN(name), nil
}
