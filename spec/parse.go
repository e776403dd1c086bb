package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// parseDocument turns JSON or YAML bytes into plain JSON values (objects as
// map[string]any, numbers as json.Number). For YAML it also records the line
// of every node, keyed by JSON pointer, so that errors can name a line.
func parseDocument(source string, data []byte, lim yamlsafe.Limits) (any, map[string]int, error) {
	if len(data) > lim.MaxBytes {
		return nil, nil, &yamlsafe.Error{File: source, Limit: LimitSpecBytes,
			Msg: fmt.Sprintf("%d bytes is more than %s allows (%d)", len(data), LimitSpecBytes, lim.MaxBytes)}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) == 0 {
		return nil, nil, fmt.Errorf("%s: empty document", source)
	}
	if trimmed[0] == '{' {
		v, err := decodeJSON(trimmed)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", source, err)
		}
		return v, nil, nil
	}
	root, err := yamlsafe.Parse(source, data, lim)
	if err != nil {
		return nil, nil, err
	}
	if root == nil {
		return nil, nil, fmt.Errorf("%s: empty document", source)
	}
	lines := map[string]int{}
	v, err := yamlToJSON(source, root, "", lines)
	if err != nil {
		return nil, nil, err
	}
	return v, lines, nil
}

// decodeJSON decodes one JSON value with numbers kept exact, and reports
// where malformed input broke (line and column).
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, PositionError(data, dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, PositionError(data, dec.InputOffset(), errors.New("unexpected data after the top-level value"))
	}
	return v, nil
}

// PositionError rewrites a JSON decoding error to say line and column;
// off is the decoder's offset, used when the error carries none.
func PositionError(data []byte, off int64, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// The offset counts the offending byte; point at it, not past it.
		off = se.Offset - 1
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		off = int64(len(data))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		off = te.Offset
	}
	line, col := LineCol(data, off)
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// LineCol converts a byte offset into a 1-based line and column.
func LineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

func yamlToJSON(source string, n *yaml.Node, ptr string, lines map[string]int) (any, error) {
	lines[ptr] = n.Line
	switch n.Kind {
	case yaml.AliasNode:
		return yamlToJSON(source, n.Alias, ptr, lines)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" {
				return nil, yamlsafe.At(source, k, "YAML merge keys (<<) are not supported in contracts")
			}
			if k.Kind != yaml.ScalarNode {
				return nil, yamlsafe.At(source, k, "mapping keys must be scalars")
			}
			if _, dup := m[k.Value]; dup {
				return nil, yamlsafe.At(source, k, "duplicate key %q", k.Value)
			}
			child := Join(ptr, k.Value)
			val, err := yamlToJSON(source, v, child, lines)
			if err != nil {
				return nil, err
			}
			lines[child] = k.Line
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		a := make([]any, len(n.Content))
		for i, c := range n.Content {
			val, err := yamlToJSON(source, c, ptr+"/"+strconv.Itoa(i), lines)
			if err != nil {
				return nil, err
			}
			a[i] = val
		}
		return a, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, yamlsafe.At(source, n, "%v", err)
			}
			return b, nil
		case "!!int":
			var i int64
			if err := n.Decode(&i); err != nil {
				// Beyond int64: exact, as JSON reads it (see bigIntegers).
				if big, ok := bigYAMLInt(n.Value); ok {
					return json.Number(big), nil
				}
				return nil, yamlsafe.At(source, n, "%v", err)
			}
			return json.Number(strconv.FormatInt(i, 10)), nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, yamlsafe.At(source, n, "%v", err)
			}
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, yamlsafe.At(source, n, "%q is not a JSON number", n.Value)
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
		case "!!str", "!!binary", "!!timestamp":
			// Timestamps stay strings: JSON has no date type and the
			// contract's date-time formats expect the text.
			return n.Value, nil
		default:
			return nil, yamlsafe.At(source, n, "unsupported YAML tag %s", n.Tag)
		}
	}
	return nil, yamlsafe.At(source, n, "unsupported YAML node")
}
