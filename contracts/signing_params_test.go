package contracts_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/signing"
)

// A consumer contract can name any signing scheme, the generic hmac one
// with its parameters, so the verifier signs as that provider does.
func TestContractSigningParams(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) string {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := contracts.LoadContract(write("signing:\n  scheme: hmac\n  secret: s3cret\n  params: {header: X-Sig, algorithm: sha512, encoding: base64}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Signing.Scheme != signing.HMAC || c.Signing.Params == nil || c.Signing.Params.Header != "X-Sig" || c.Signing.Params.Algorithm != signing.SHA512 {
		t.Errorf("signing: %+v %+v", c.Signing, c.Signing.Params)
	}
	_, err = contracts.LoadContract(write("signing:\n  scheme: hmac\n  secret: s3cret\n  params: {algorithm: md5}\n"))
	if err == nil || !strings.Contains(err.Error(), "header is required") {
		t.Errorf("hmac without a header: %v", err)
	}
	if _, err := contracts.LoadContract(write("signing:\n  scheme: github\n  secret: It's a Secret to Everybody\n")); err != nil {
		t.Errorf("github: %v", err)
	}
}
