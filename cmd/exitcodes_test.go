package cmd_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrorsExit2 is one table of the input mistakes every command
// can meet: each exits 2 with a message that names the mistake, and none
// prints a seed first (a usage error has nothing to replay).
func TestUsageErrorsExit2(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	const to = "http://127.0.0.1:1/hook" // never reached: every row fails before sending
	rows := []struct {
		name string
		args []string
		want string
	}{
		{"gen: unknown flag", []string{"gen", "calltransfer.triggered", "--bogus"}, "unknown flag: --bogus"},
		{"trigger: unknown flag", []string{"trigger", "calltransfer.triggered", "--to", to, "--bogus"}, "unknown flag: --bogus"},
		{"scenario run: unknown flag", []string{"scenario", "run", "sip-refer", "--to", to, "--bogus"}, "unknown flag: --bogus"},
		{"load: unknown flag", []string{"load", "--to", to, "--bogus"}, "unknown flag: --bogus"},
		{"verify: unknown flag", []string{"verify", "--bogus"}, "unknown flag: --bogus"},
		{"serve: unknown flag", []string{"serve", "--bogus"}, "unknown flag: --bogus"},
		{"validate: unknown flag", []string{"validate", "--bogus"}, "unknown flag: --bogus"},

		{"trigger: ftp --to", []string{"trigger", "calltransfer.triggered", "--to", "ftp://127.0.0.1/hook"}, "--to"},
		{"trigger: schemeless --to", []string{"trigger", "calltransfer.triggered", "--to", "127.0.0.1:20201/hook"}, "--to"},
		{"scenario run: ftp --to", []string{"scenario", "run", "sip-refer", "--to", "ftp://127.0.0.1/hook"}, "--to"},
		{"scenario run: schemeless --to", []string{"scenario", "run", "sip-refer", "--to", "127.0.0.1:20201/hook"}, "--to"},
		{"load: ftp --to", []string{"load", "--to", "ftp://127.0.0.1/hook", "--duration", "1s"}, "--to"},
		{"load: schemeless --to", []string{"load", "--to", "127.0.0.1:20201/hook", "--duration", "1s"}, "--to"},
		{"verify: ftp --to", []string{"verify", "--to", "ftp://127.0.0.1/hook", "--secret", scenarioSecret}, "ftp"},

		{"gen: bad --set key", []string{"gen", "calltransfer.triggered", "--set", "payload.rooom=x"}, `did you mean "room"`},
		{"trigger: bad --set key", []string{"trigger", "calltransfer.triggered", "--to", to, "--set", "payload.rooom=x"}, `did you mean "room"`},
		{"scenario run: bad --set key", []string{"scenario", "run", "sip-refer", "--to", to, "--set", "payload.rooom=x"}, `did you mean "room"`},

		{"gen: bad --set value", []string{"gen", "calltransfer.triggered", "--set", "payload.room=123"}, "payload.room"},
		{"trigger: bad --set value", []string{"trigger", "calltransfer.triggered", "--to", to, "--set", "payload.room=123"}, "payload.room"},
		{"gen: --set without =", []string{"gen", "calltransfer.triggered", "--set", "payload.room"}, "want key=value"},
		{"scenario run: --set without =", []string{"scenario", "run", "sip-refer", "--to", to, "--set", "payload.room"}, "want key=value"},

		{"gen: unknown event", []string{"gen", "calltransfer.nope"}, "calltransfer.nope"},
		{"trigger: unknown event", []string{"trigger", "calltransfer.nope", "--to", to}, "calltransfer.nope"},
		{"scenario run: unknown scenario", []string{"scenario", "run", "nope-scenario", "--to", to}, "nope-scenario"},
		{"load: unknown event", []string{"load", "--to", to, "--event", "calltransfer.nope"}, "calltransfer.nope"},

		{"gen: missing --spec", []string{"gen", "calltransfer.triggered", "--spec", missing}, "missing.yaml"},
		{"validate: missing file", []string{"validate", missing}, "missing.yaml"},
		{"scenario run: missing file", []string{"scenario", "run", missing, "--to", to}, "missing.yaml"},
		{"scenario check: missing file", []string{"scenario", "check", missing}, "missing.yaml"},
		{"verify: missing contract", []string{"verify", "--contract", missing}, "missing.yaml"},
		{"serve: missing config", []string{"serve", "--config", missing}, "missing.yaml"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			code, out, errs := run(t, "", r.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errs)
			}
			if !strings.Contains(errs, r.want) {
				t.Errorf("stderr does not say %q:\n%s", r.want, errs)
			}
			if strings.Contains(errs, "seed: ") {
				t.Errorf("a seed printed before a usage error:\n%s", errs)
			}
		})
	}
}

// TestSetExtraAddsAField: a leading + adds a field the contract does not
// declare, on purpose.
func TestSetExtraAddsAField(t *testing.T) {
	code, out, errs := run(t, "", "gen", "calltransfer.triggered", "--seed", "1", "--set", "+payload.extra=x")
	if code != 0 || !strings.Contains(out, `"extra":"x"`) {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}
