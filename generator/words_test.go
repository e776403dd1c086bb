package generator

import (
	"reflect"
	"testing"
)

func TestDescribedValues(t *testing.T) {
	for _, c := range []struct {
		desc string
		want []any
	}{
		{"The new state. Can be `pending`, `success`, `failure`, or `error`.", []any{"pending", "success", "failure", "error"}},
		{"The media type used to serialize the payloads. Supported values include `json` and `form`. The default is `form`.", []any{"json", "form"}},
		{"The repository visibility: public, private, or internal.", []any{"public", "private", "internal"}},
		{`One of "User", "Bot" or "Organization".`, []any{"User", "Bot", "Organization"}},
		// One quoted word names a case, not the set.
		{"The previous version of the title if the action was `edited`.", nil},
		{"The pusher type for the event. Can be either `user` or a deploy key.", nil},
		{"The full Git reference, formatted as `refs/heads/<branch name>`.", nil},
		{"", nil},
	} {
		if got := describedValues(c.desc); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %v, want %v", c.desc, got, c.want)
		}
	}
}

func TestExampleShape(t *testing.T) {
	for _, c := range []struct {
		ex    []any
		shape idShape
		n     int
	}{
		{[]any{"41d064eb2195891e12d0413f63227ea7"}, shapeHex, 32},
		{[]any{"6dcb09b5b57875f334f61aebed695e2e4193db5e"}, shapeHex, 40},
		{[]any{"MDQ6VXNlcjE="}, shapeNodeID, 0},
		{[]any{"12312312"}, shapeNone, 0},
		{[]any{"octocat"}, shapeNone, 0},
		{[]any{"41d064eb2195891e12d0413f63227ea7", "abc1234"}, shapeNone, 0},
	} {
		sh, n := exampleShape(c.ex)
		if sh != c.shape || c.shape == shapeHex && n != c.n {
			t.Errorf("%v: shape %d length %d", c.ex, sh, n)
		}
	}
}
