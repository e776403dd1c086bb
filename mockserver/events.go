package mockserver

import (
	"fmt"

	"github.com/hookmock/hookmock/spec"
)

// eventSource turns trigger requests into event bytes.
type eventSource struct {
	p *Provider
}

func newEventSource(p *Provider) (*eventSource, error) {
	return &eventSource{p: p}, nil
}

// make returns the exact bytes to send and the event's id.
func (s *eventSource) make(ev *spec.Event, req *triggerRequest) ([]byte, string, error) {
	if req.body == nil {
		return nil, "", fmt.Errorf("generation is not wired yet")
	}
	v, err := spec.DecodeJSON(req.body)
	if err != nil {
		return nil, "", fmt.Errorf("body: %w", err)
	}
	if !req.allowInvalid {
		if vs := ev.ValidateValue(v); len(vs) > 0 {
			return nil, "", fmt.Errorf("body breaks the contract at %s: %s (send it anyway with allowInvalid)", vs[0].Pointer, vs[0].Message)
		}
	}
	id := ""
	if obj, ok := v.(map[string]any); ok {
		id, _ = obj["id"].(string)
	}
	return req.body, id, nil
}
