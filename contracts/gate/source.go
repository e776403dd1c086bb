package gate

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// Load loads one side of a comparison: a file path, "embedded:NAME" (a
// contract built into hookmock), or "git:REF:PATH" (PATH as committed at
// REF in the current repository; PATH is relative to the repository root
// unless it starts with ./). Validators are not compiled: comparing only
// reads schemas, and Replay compiles on first use.
func Load(ctx context.Context, arg string) (*spec.Spec, error) {
	rest, isGit := strings.CutPrefix(arg, "git:")
	if !isGit {
		return spec.LoadFile(arg, spec.DeferCompile())
	}
	ref, path, ok := strings.Cut(rest, ":")
	if !ok || ref == "" || path == "" {
		return nil, fmt.Errorf("%q: want git:REF:PATH, e.g. git:main:spec/daily/calltransfer.yaml", arg)
	}
	cmd := exec.CommandContext(ctx, "git", "show", ref+":"+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s: git show %s:%s failed: %s", arg, ref, path, msg)
	}
	return spec.LoadBytes(arg, stdout.Bytes(), spec.DeferCompile())
}

// LoadPair loads both sides at once: on large documents parsing dominates
// the gate's run time, and the two are independent.
func LoadPair(ctx context.Context, oldArg, newArg string) (old, new *spec.Spec, err error) {
	type result struct {
		s   *spec.Spec
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := Load(ctx, newArg)
		ch <- result{s, err}
	}()
	old, oerr := Load(ctx, oldArg)
	nr := <-ch
	if oerr != nil {
		return nil, nil, fmt.Errorf("old contract: %w", oerr)
	}
	if nr.err != nil {
		return nil, nil, fmt.Errorf("new contract: %w", nr.err)
	}
	return old, nr.s, nil
}
