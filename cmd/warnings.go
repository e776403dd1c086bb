package cmd

import (
	"fmt"
	"io"

	"github.com/hookmock/hookmock/spec"
)

// maxWarnings is how many lenient readings a command prints before it
// sums up the rest; `hookmock lint` lists them all.
const maxWarnings = 20

// printWarnings tells what the loader read leniently, on stderr, so that
// a command's output stays what it was.
func printWarnings(w io.Writer, ws []spec.Warning) {
	for i, x := range ws {
		if i == maxWarnings {
			fmt.Fprintf(w, "hookmock: warning: %d more lenient readings; `hookmock lint` lists them all, --strict refuses them\n", len(ws)-maxWarnings)
			return
		}
		fmt.Fprintf(w, "hookmock: warning: %s\n", x)
	}
}
