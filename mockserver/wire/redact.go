package wire

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// Logs never carry credentials: the user-info of a URL and the value of an
// Authorization header are replaced wherever they appear. The delivery log
// is another matter: it keeps what was sent, and sits behind the API key.

var (
	userInfoRe = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s"']+@`)
	authRe     = regexp.MustCompile(`(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]+`)
)

// Redacted is s with URL user-info and Authorization credentials replaced.
func Redacted(s string) string {
	if strings.Contains(s, "@") {
		s = userInfoRe.ReplaceAllString(s, "${1}redacted@")
	}
	return authRe.ReplaceAllString(s, "${1} [redacted]")
}

// RedactingHandler wraps a slog handler so that no record it passes on
// carries a credential: string attributes are redacted, and an attribute
// named Authorization loses its value.
func RedactingHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(redactor); ok {
		return h
	}
	return redactor{h}
}

type redactor struct{ next slog.Handler }

func (r redactor) Enabled(ctx context.Context, l slog.Level) bool { return r.next.Enabled(ctx, l) }

func (r redactor) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, Redacted(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r redactor) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return redactor{r.next.WithAttrs(red)}
}

func (r redactor) WithGroup(name string) slog.Handler { return redactor{r.next.WithGroup(name)} }

func redactAttr(a slog.Attr) slog.Attr {
	if strings.EqualFold(a.Key, "authorization") {
		return slog.String(a.Key, "[redacted]")
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redacted(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = redactAttr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Redacted(err.Error()))
		}
		if st, ok := v.Any().(interface{ String() string }); ok {
			return slog.String(a.Key, Redacted(st.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
