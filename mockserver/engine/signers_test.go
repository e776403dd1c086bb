package engine

import (
	"encoding/base64"
	"testing"

	"github.com/hookmock/hookmock/signing"
)

func TestOneSignerPerWebhookSecret(t *testing.T) {
	var c signers
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	hook := Webhook{UUID: "u1", HMAC: secret, Signing: signing.Daily}
	first := c.of(hook, nil)
	if first == nil || c.of(hook, nil) != first {
		t.Fatal("a second delivery made a second signer")
	}
	hook.HMAC = base64.StdEncoding.EncodeToString([]byte("another 32-byte secret, rotated!"))
	if rotated := c.of(hook, nil); rotated == nil || rotated == first {
		t.Fatal("a rotated secret kept the old signer")
	}
	if c.of(Webhook{UUID: "u2", HMAC: "not base64!", Signing: signing.Daily}, nil) != nil {
		t.Error("a bad secret made a signer")
	}
	for i := range maxCachedSigners + 10 {
		c.of(Webhook{UUID: string(rune(i)), HMAC: secret, Signing: signing.Daily}, nil)
	}
	if len(c.m) > maxCachedSigners {
		t.Errorf("%d cached signers, bound %d", len(c.m), maxCachedSigners)
	}
}
