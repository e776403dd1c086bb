package cmd_test

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/cmd"
	"github.com/hookmock/hookmock/mockserver"
)

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "", "--version")
	if code != cmd.ExitOK || !strings.HasPrefix(out, "hookmock ") || !strings.Contains(out, "go1.") {
		t.Fatalf("--version: exit %d, %q", code, out)
	}
	code, out2, _ := run(t, "", "version")
	if code != cmd.ExitOK || out2 != out {
		t.Fatalf("version: exit %d, %q, want %q", code, out2, out)
	}
	code, js, _ := run(t, "", "version", "--json")
	var bi cmd.BuildInfo
	if code != cmd.ExitOK || json.Unmarshal([]byte(js), &bi) != nil || bi.Version == "" || bi.GoVersion == "" || bi.Platform == "" {
		t.Fatalf("version --json: exit %d, %q", code, js)
	}
}

func TestHealth(t *testing.T) {
	srv, err := mockserver.New(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if code, out, errs := run(t, "", "health", "--url", srv.URL); code != cmd.ExitOK || !strings.Contains(out, "ok") {
		t.Fatalf("healthy server: exit %d, %q %q", code, out, errs)
	}
	url := srv.URL
	srv.Close()
	if code, _, errs := run(t, "", "health", "--url", url, "--timeout", "1s"); code != cmd.ExitFailed || !strings.Contains(errs, url) {
		t.Fatalf("stopped server: exit %d, %q", code, errs)
	}
}

// dockerInstr is one instruction of a Dockerfile, continuation lines joined.
type dockerInstr struct {
	line int
	op   string
	args string
}

func parseDockerfile(t *testing.T, path string) []dockerInstr {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dockerInstr
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		op, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, dockerInstr{start, strings.ToUpper(op), strings.TrimSpace(args)})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The Dockerfile cannot be built here (no Docker engine), so its promises
// are checked by reading it: pinned bases, a static build, a non-root user
// and a health check that the binary can answer.
func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, "../Dockerfile")
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goLine == nil {
		t.Fatal("go.mod has no go directive")
	}
	pinned := regexp.MustCompile(`^[a-z0-9./-]+(:\d+(\.\d+){2}[A-Za-z0-9.-]*)?(@sha256:[0-9a-f]{64})?$`)
	stages := map[string]bool{}
	var last string
	var user, health, cmdLine string
	static := false
	for _, in := range ins {
		switch in.op {
		case "FROM":
			f := strings.Fields(in.args)
			img := f[0]
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				stages[f[2]] = true
			}
			last, user, health, cmdLine = img, "", "", ""
			if img == "scratch" || stages[img] {
				continue
			}
			if !pinned.MatchString(img) || !strings.ContainsAny(img, ":@") {
				t.Errorf("line %d: base image %q is not pinned to an exact version or digest", in.line, img)
			}
			if strings.HasPrefix(img, "golang:") && !strings.HasPrefix(img, "golang:"+string(goLine[1])+".") {
				t.Errorf("line %d: %s does not match go.mod's go %s", in.line, img, goLine[1])
			}
		case "RUN":
			if strings.Contains(in.args, "go build") && strings.Contains(in.args, "CGO_ENABLED=0") {
				static = true
			}
		case "USER":
			user = in.args
		case "HEALTHCHECK":
			health = in.args
		case "CMD":
			cmdLine = in.args
		}
	}
	if last == "" {
		t.Fatal("no FROM")
	}
	if !static {
		t.Error("no CGO_ENABLED=0 go build: the binary would not be static")
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "0" || u == "root" {
		t.Errorf("the final stage runs as %q; want a non-root USER", user)
	}
	if !strings.Contains(health, `"health"`) || !strings.Contains(health, "8089") {
		t.Errorf("HEALTHCHECK %q does not run `hookmock health` on the served port", health)
	}
	if !strings.Contains(cmdLine, `"serve"`) || !strings.Contains(cmdLine, `"0.0.0.0:8089"`) {
		t.Errorf("CMD %q does not serve on 0.0.0.0:8089", cmdLine)
	}
	if code, _, _ := run(t, "", "health", "--help"); code != cmd.ExitOK {
		t.Errorf("health --help: exit %d", code)
	}
}
