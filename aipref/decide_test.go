package aipref_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/aipref"
)

func header(t *testing.T, v string) *aipref.Usage {
	t.Helper()
	u, _ := aipref.ParseHeader(v)
	return u
}

func signal(t *testing.T, v string) *aipref.Signal {
	t.Helper()
	s, _ := aipref.ParseSignal(v, 1)
	return s
}

// optout.md §4.1, §4.3 and §9 step 2-3, 7: purposes, mapping and
// most-restrictive combination.
func TestDecide(t *testing.T) {
	A, D, U := aipref.Allow, aipref.Disallow, aipref.Unknown
	tests := []struct {
		name    string
		purpose aipref.Purpose
		stmts   func(t *testing.T) []aipref.Statement
		want    aipref.Preference
		keys    []string
	}{
		{"train-ai=n disallows generative training", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "train-ai=n")}
		}, D, []string{"train-ai"}},
		{"train-ai does not speak to non-generative training", aipref.PurposeTrainAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "train-ai=n")}
		}, U, nil},
		{"search=y allows search", aipref.PurposeSearch, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "train-ai=n, search=y")}
		}, A, []string{"search"}},
		{"legacy label expresses nothing", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "train-genai=n, ai=n, all=n")}
		}, U, nil},
		{"invalid value kept as unknown evidence", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, `train-ai="n"`)}
		}, U, []string{"train-ai"}},
		{"parse failure says nothing", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "TRAIN-AI=n")}
		}, U, nil},
		{"header allow and robots disallow", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			r, _ := aipref.ParseRule("train-ai=n", 4)
			return []aipref.Statement{header(t, "train-ai=y"), r}
		}, D, []string{"train-ai", "train-ai"}},
		{"ai-train=no disallows generative training", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{signal(t, "search=yes, ai-train=no")}
		}, D, []string{"ai-train"}},
		{"ai-train=no disallows any training", aipref.PurposeTrainAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{signal(t, "ai-train=no")}
		}, D, []string{"ai-train"}},
		{"ai-input has no AIPREF counterpart", aipref.PurposeAIInput, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "train-ai=y, search=y"), signal(t, "ai-input=no")}
		}, D, []string{"ai-input"}},
		{"explicit permission never overrides a reservation", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "train-ai=y"), signal(t, "ai-train=no")}
		}, D, []string{"train-ai", "ai-train"}},
		{"several content-signal lines", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{signal(t, "ai-train=yes"), signal(t, "ai-train=no")}
		}, D, []string{"ai-train", "ai-train"}},
		{"nothing", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement { return nil }, U, nil},
		{"nil statements", aipref.PurposeTrainGenAI, func(t *testing.T) []aipref.Statement {
			var u *aipref.Usage
			var s *aipref.Signal
			return []aipref.Statement{nil, u, s}
		}, U, nil},
		{"unknown purpose", aipref.Purpose(0), func(t *testing.T) []aipref.Statement {
			return []aipref.Statement{header(t, "train-ai=n"), signal(t, "ai-train=no")}
		}, U, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := aipref.Decide(tt.purpose, tt.stmts(t)...)
			var keys []string
			for _, e := range v.Evidence {
				keys = append(keys, e.Key)
			}
			if v.Preference != tt.want {
				t.Errorf("Decide(%v) = %v, want %v", tt.purpose, v.Preference, tt.want)
			}
			if diff := cmp.Diff(tt.keys, keys); diff != "" {
				t.Errorf("Decide(%v) evidence keys mismatch (-want +got):\n%s", tt.purpose, diff)
			}
		})
	}
}

func TestDecideEvidence(t *testing.T) {
	r, _ := aipref.ParseRule("/docs/ train-ai=n;x=1 # docs", 9)
	v := aipref.Decide(aipref.PurposeTrainGenAI, r)
	want := aipref.Verdict{Preference: aipref.Disallow, Evidence: []aipref.Evidence{{
		Source:     aipref.SourceRobots,
		Key:        "train-ai",
		Preference: aipref.Disallow,
		Value:      "n;x=1",
		Raw:        "train-ai=n;x=1",
		Line:       9,
		Path:       "/docs/",
	}}}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("Decide mismatch (-want +got):\n%s", diff)
	}
}

func TestStrings(t *testing.T) {
	for _, tt := range []struct {
		name, got, want string
	}{
		{"unknown", aipref.Unknown.String(), "unknown"},
		{"allow", aipref.Allow.String(), "allow"},
		{"disallow", aipref.Disallow.String(), "disallow"},
		{"purpose", aipref.PurposeTrainGenAI.String(), "train-genai"},
		{"bad purpose", aipref.Purpose(99).String(), "unknown"},
		{"source", aipref.SourceContentSignal.String(), "robots.txt content-signal"},
		{"bad source", aipref.Source(-1).String(), "unknown"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
