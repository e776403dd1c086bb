package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// pollEvery is how often the idempotency probe is asked while its count settles.
const pollEvery = 20 * time.Millisecond

// processedCount asks the idempotency probe how often the consumer
// processed an event. Consumers may process after they answer, so it polls
// until the count is at least 1 and has held still for Settle, or until
// the timeout; the evidence is the last answer.
func (x *runner) processedCount(ctx context.Context, p *IdempotencyProbe, id string) (int, Exchange, error) {
	settle := p.Settle
	if settle <= 0 {
		settle = DefaultSettle
	}
	give := time.Now().Add(x.s.timeout)
	last, since := -1, time.Now()
	for {
		n, ex, err := x.askProbe(ctx, p, id)
		if err != nil {
			return 0, ex, err
		}
		if n != last {
			last, since = n, time.Now()
		}
		if (n >= 1 && time.Since(since) >= settle) || time.Now().After(give) {
			return n, ex, nil
		}
		select {
		case <-ctx.Done():
			return n, ex, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// askProbe asks once.
func (x *runner) askProbe(ctx context.Context, p *IdempotencyProbe, id string) (int, Exchange, error) {
	ctx, cancel := context.WithTimeout(ctx, x.s.timeout)
	defer cancel()
	start := time.Now()
	var out []byte
	var err error
	ex := Exchange{EventID: id}
	if p.URL != "" {
		u := strings.ReplaceAll(p.URL, "{id}", url.QueryEscape(id))
		ex.Step = "idempotency probe GET " + u
		out, ex.Status, err = x.get(ctx, u)
	} else {
		argv := make([]string, len(p.Command))
		for i, a := range p.Command {
			argv[i] = strings.ReplaceAll(a, "{id}", id)
		}
		ex.Step = "idempotency probe $ " + strings.Join(argv, " ")
		out, err = runCommand(ctx, argv)
	}
	ex.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	ex.Body = excerpt(string(out), excerptRunes)
	if err != nil {
		ex.Error = err.Error()
		return 0, ex, err
	}
	n, err := parseCount(out)
	if err != nil {
		ex.Error = err.Error()
	}
	return n, ex, err
}

func (x *runner) get(ctx context.Context, u string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := x.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return body, resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK {
		return body, resp.StatusCode, fmt.Errorf("the idempotency probe answered %d, want 200", resp.StatusCode)
	}
	return body, resp.StatusCode, nil
}

func runCommand(ctx context.Context, argv []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return stdout.Bytes(), fmt.Errorf("%v: %s", err, excerpt(msg, excerptRunes))
		}
		return stdout.Bytes(), err
	}
	return stdout.Bytes(), nil
}

// parseCount reads "3" or {"count": 3}.
func parseCount(out []byte) (int, error) {
	t := bytes.TrimSpace(out)
	if n, err := strconv.Atoi(string(t)); err == nil && n >= 0 {
		return n, nil
	}
	var obj struct {
		Count *int `json:"count"`
	}
	if err := json.Unmarshal(t, &obj); err == nil && obj.Count != nil && *obj.Count >= 0 {
		return *obj.Count, nil
	}
	return 0, errors.New(`the idempotency probe's answer is not a count: want a non-negative integer or {"count": N}`)
}

// limitedBuffer keeps the first 4 KiB written to it and discards the rest,
// so that a chatty command cannot grow the verifier's memory.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4<<10 - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
