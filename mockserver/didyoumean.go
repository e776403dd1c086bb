package mockserver

import (
	"fmt"

	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// didYouMean is the hint after an unknown field of hookmock.yaml or a
// request body: `; did you mean "every"?`, or nothing when no valid field is
// close.
func didYouMean(field string, valid []string) string {
	if near := yamlsafe.Nearest(field, valid); len(near) > 0 {
		return fmt.Sprintf("; did you mean %q?", near[0])
	}
	return ""
}
