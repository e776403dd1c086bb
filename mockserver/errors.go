package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// apiError is Daily's error body: {"error": category, "info": detail}. The
// info always names the field at fault, so a caller can fix the request.
type apiError struct {
	Status int    `json:"-"`
	Kind   string `json:"error"`
	Info   string `json:"info"`
}

func (e *apiError) Error() string { return e.Kind + ": " + e.Info }

// Error categories, after the ones Daily's REST API uses.
const (
	errInvalidRequest = "invalid-request-error"
	errAuthentication = "authentication-error"
	errNotFound       = "not-found"
	errTooLarge       = "request-too-large"
	errServer         = "server-error"
)

func badRequest(field, format string, a ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Kind: errInvalidRequest, Info: field + ": " + fmt.Sprintf(format, a...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{Status: http.StatusInternalServerError, Kind: "server-error", Info: err.Error()}
	}
	writeJSON(w, ae.Status, ae)
}

// readJSONBody reads a bounded request body and decodes it. Past the limit
// the answer is 413; malformed JSON is a 400 that says where it broke.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64) (any, []byte, error) {
	raw, err := readBody(w, r, limit)
	if err != nil {
		return nil, raw, err
	}
	v, err := spec.DecodeJSON(raw)
	if err != nil {
		return nil, raw, badRequest("body", "%v", err)
	}
	return v, raw, nil
}

// readBody reads a bounded, non-empty request body.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Kind: errTooLarge, Info: "body: larger than " + strconv.FormatInt(limit, 10) + " bytes (limit log.maxRequestBody)"}
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, &apiError{Status: http.StatusRequestTimeout, Kind: errLimit, Info: "body: not received in time (limit server.readTimeout)"}
		}
		return nil, badRequest("body", "could not be read: %v", err)
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return raw, badRequest("body", "empty; a JSON object is required")
	}
	return raw, nil
}

// readJSONInto reads a bounded body into v, decoding it once. Bytes that
// are not one JSON value get readJSONBody's positioned 400; a value that
// does not fit v is worded by unfit. strict refuses unknown fields.
func readJSONInto(w http.ResponseWriter, r *http.Request, limit int64, v any, strict bool, unfit func(error) *apiError) error {
	raw, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if strict {
		dec.DisallowUnknownFields()
	}
	err = dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("unexpected data after the value")
		}
	}
	if err != nil {
		// Only a failure pays for the second decode that says where.
		if _, serr := spec.DecodeJSON(raw); serr != nil {
			return badRequest("body", "%v", serr)
		}
		return unfit(err)
	}
	return nil
}

// readJSONObject is readJSONBody for bodies that must be an object; want
// says what the object holds, for the error when it is not one.
func readJSONObject(w http.ResponseWriter, r *http.Request, limit int64, want string) (map[string]any, error) {
	v, _, err := readJSONBody(w, r, limit)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("body", "want a JSON object with %s", want)
	}
	return m, nil
}

// fieldName turns a JSON pointer into the dotted field name a person
// would write: /eventTypes/0 → eventTypes[0].
func fieldName(ptr string) string {
	toks, _ := spec.Split(ptr)
	var b strings.Builder
	for _, t := range toks {
		if _, err := strconv.Atoi(t); err == nil && b.Len() > 0 {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// violationError reports the first schema violation, naming its field.
func violationError(vs []spec.Violation) *apiError {
	v := vs[0]
	return badRequest(fieldName(v.Pointer), "%s", v.Message)
}
