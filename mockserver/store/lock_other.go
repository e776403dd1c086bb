//go:build !unix

package store

// lockFile takes no lock where flock is missing (Windows): one process per
// SQLite file is then the user's to keep, as the README says.
func lockFile(string) (unlock func(), err error) { return func() {}, nil }
