package mockserver_test

import (
	"testing"

	"github.com/hookmock/hookmock/mockserver"
)

func TestFlagsOverrideTheConfigFile(t *testing.T) {
	file := mockserver.Config{Addr: "127.0.0.1:9000", Clock: "virtual", Seed: 7, LogFormat: "json"}
	file.Spec.Path = "file.yaml"
	file.Delivery.CAFile = "/etc/file-ca.pem"
	file.Store.URL = "sqlite:/var/lib/file.db"
	defaults := mockserver.Flags{Addr: "127.0.0.1:8089", Clock: "real", LogFormat: "text", CAFile: ""}
	given := func(names ...string) func(string) bool {
		return func(n string) bool {
			for _, x := range names {
				if x == n {
					return true
				}
			}
			return false
		}
	}

	// Flags left at their defaults yield to every value the file sets.
	got := file.Override(defaults)
	if got.Addr != "127.0.0.1:9000" || got.Clock != "virtual" || got.Seed != 7 || got.LogFormat != "json" || got.Spec.Path != "file.yaml" || got.Delivery.CAFile != "/etc/file-ca.pem" || got.Store.URL != "sqlite:/var/lib/file.db" {
		t.Errorf("defaults over the file: %+v", got)
	}

	// A flag given on the command line wins, even when it names the default.
	f := defaults
	f.Clock, f.Seed, f.Spec, f.CAFile, f.Store = "real", 9, "flag.yaml", "/tmp/flag-ca.pem", "memory"
	f.Changed = given("clock", "seed", "spec", "ca-file", "store")
	got = file.Override(f)
	if got.Clock != "real" || got.Seed != 9 || got.Spec.Path != "flag.yaml" || got.Delivery.CAFile != "/tmp/flag-ca.pem" || got.Store.URL != "memory" || got.Addr != "127.0.0.1:9000" {
		t.Errorf("given flags over the file: %+v", got)
	}

	// What the file leaves unset comes from the flags' defaults.
	got = mockserver.Config{}.Override(defaults)
	if got.Addr != "127.0.0.1:8089" || got.Clock != "real" || got.LogFormat != "text" || got.Seed != 0 {
		t.Errorf("defaults over an empty file: %+v", got)
	}
	if file.Addr != "127.0.0.1:9000" {
		t.Error("Override changed the file's Config")
	}
}
