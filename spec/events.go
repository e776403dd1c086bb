package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Recorded is one event read from a file of events.
type Recorded struct {
	Value any
	// Line is where the event starts in its file.
	Line int
}

// SplitEvents reads a JSON object, a JSON array of events, or a stream of
// JSON values (NDJSON). On malformed input it returns the events read so
// far and an error naming the line and column where the input broke.
func SplitEvents(data []byte) ([]Recorded, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []Recorded
	for {
		start := dec.InputOffset()
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("malformed JSON: %w", PositionError(data, dec.InputOffset(), err))
		}
		rest := data[start:]
		line, _ := LineCol(data, start+int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))))
		if arr, ok := v.([]any); ok && len(out) == 0 && !dec.More() {
			for _, x := range arr {
				out = append(out, Recorded{x, line})
			}
			continue
		}
		out = append(out, Recorded{v, line})
	}
	if len(out) == 0 {
		return nil, errors.New("no JSON value in input")
	}
	return out, nil
}
