package optout

import (
	"strconv"
	"testing"

	"github.com/gpai-project/gpai/robots"
)

// TestAppendDecision checks appendDecision against robots.Decision.String
// on decisions of every kind: rules with patterns that need escaping, the
// index.html rule, /robots.txt, no group, no matching rule, several groups
// and the "*" group.
func TestAppendDecision(t *testing.T) {
	body := "User-agent: a\nDisallow: /q\"uote\nAllow: /back\\slash\nDisallow: /ctl\x01\nDisallow: /ü\nDisallow: /\xff\nAllow: /dir/index.html\nDisallow: /dir/\n\n" +
		"User-agent: b\nDisallow: /x\n\nUser-agent: b\nAllow: /x/y\n\nUser-agent: *\nDisallow: /private\n"
	f := robots.ParseBytes([]byte(body))
	paths := []string{"/", "/q\"uote", "/back\\slash", "/ctl\x01", "/ü", "/\xff", "/dir/", "/dir/index.html", "/robots.txt", "/x", "/x/y", "/private/a", "/other"}
	for _, agent := range []string{"a", "b", "c", "A"} {
		for _, p := range []robots.Profile{robots.Strict, robots.RFC, robots.Google, robots.Profile(9)} {
			for _, path := range paths {
				dec := f.Decide(agent, path, p)
				if got, want := string(appendDecision([]byte("x"), dec)), "x"+dec.String(); got != want {
					t.Errorf("appendDecision(%s, %q, %v) = %q, want %q", agent, path, p, got, want)
				}
			}
		}
	}
	none := robots.ParseBytes([]byte("User-agent: a\nDisallow: /\n")).Decide("b", "/", robots.Strict)
	if got, want := string(appendDecision(nil, none)), none.String(); got != want {
		t.Errorf("appendDecision(no group) = %q, want %q", got, want)
	}
}

func TestAppendQuote(t *testing.T) {
	for _, s := range []string{"", "/a/b", "/q\"uote", "back\\slash", "tab\t", "ü", "\xff", "~", "\x7f", "é\u2028"} {
		if got, want := string(appendQuote([]byte("x"), s)), "x"+strconv.Quote(s); got != want {
			t.Errorf("appendQuote(%q) = %q, want %q", s, got, want)
		}
	}
}
