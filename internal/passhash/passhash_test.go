package passhash_test

import (
	"strings"
	"testing"

	"github.com/gpai-project/gpai/internal/passhash"
)

func TestHashCheck(t *testing.T) {
	h := passhash.Hash("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash = %q, want the PHC argon2id form", h)
	}
	if h == passhash.Hash("correct horse") {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		encoded, pw string
		want        bool
	}{
		{h, "correct horse", true},
		{h, "correct horse ", false},
		{h, "", false},
		{"", "x", false},
		{"$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "x", false},
		{"$argon2id$v=19$m=x$AAAA$AAAA", "x", false},
		{strings.Replace(h, "$argon2id", "$bcrypt", 1), "correct horse", false},
	} {
		if got := passhash.Check(tt.encoded, tt.pw); got != tt.want {
			t.Errorf("Check(%q, %q) = %t, want %t", tt.encoded, tt.pw, got, tt.want)
		}
	}
	if passhash.Check(passhash.Dummy, "anything") {
		t.Error("the dummy hash matched")
	}
}
