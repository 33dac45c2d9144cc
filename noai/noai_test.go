package noai_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/noai"
)

type dir struct{ Name, Agent string }

func summarize(ds []noai.Directive) []dir {
	var out []dir
	for _, d := range ds {
		out = append(out, dir{d.Name, d.Agent})
	}
	return out
}

// optout.md §4.5: X-Robots-Tag values, comma-separated, case-insensitive,
// optionally scoped with an agent prefix.
func TestParseXRobotsTag(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []dir
	}{
		{"noai", []string{"noai"}, []dir{{"noai", ""}}},
		{"noimageai", []string{"noimageai"}, []dir{{"noimageai", ""}}},
		{"both", []string{"noai, noimageai"}, []dir{{"noai", ""}, {"noimageai", ""}}},
		{"case-insensitive", []string{"NoAI,NOIMAGEAI"}, []dir{{"noai", ""}, {"noimageai", ""}}},
		{"noml variant", []string{"noml"}, []dir{{"noml", ""}}},
		{"with other directives", []string{"noindex, nofollow, noai"}, []dir{{"noai", ""}}},
		{"space separated", []string{"noai noimageai"}, []dir{{"noai", ""}, {"noimageai", ""}}},
		{"none", []string{"noindex, nofollow"}, nil},
		{"empty", []string{""}, nil},
		{"not a substring match", []string{"noaix, xnoai, no-ai"}, nil},
		{"agent scoped", []string{"googlebot: noai"}, []dir{{"noai", "googlebot"}}},
		{"agent scope covers following elements", []string{"GPTBot: noai, noimageai"}, []dir{{"noai", "GPTBot"}, {"noimageai", "GPTBot"}}},
		{"agent scope switches", []string{"googlebot: noindex, CCBot: noai"}, []dir{{"noai", "CCBot"}}},
		{"agent with digits §5", []string{"AI2Bot: noai"}, []dir{{"noai", "AI2Bot"}}},
		{"agent with dot §5", []string{"quillbot.com: noai"}, []dir{{"noai", "quillbot.com"}}},
		{"agent prefix without space", []string{"ccbot:noai"}, []dir{{"noai", "ccbot"}}},
		{"each field value starts unscoped", []string{"googlebot: noindex", "noai"}, []dir{{"noai", ""}}},
		{"value directives are not agents", []string{"max-snippet: 20, noai, max-image-preview: large"}, []dir{{"noai", ""}}},
		{"unavailable_after with comma date", []string{"unavailable_after: Friday, 25-Jun-10 15:00:00 PST, noai"}, []dir{{"noai", ""}}},
		{"directive with stray colon", []string{"noai: yes"}, []dir{{"noai", ""}}},
		{"several fields", []string{"noai", "googlebot: noimageai"}, []dir{{"noai", ""}, {"noimageai", "googlebot"}}},
		{"agent with space is not a prefix", []string{"Kangaroo Bot: noai"}, nil},
		// Names in other scripts that strings.ToLower maps to a directive.
		{"dotted capital I", []string{"noa\u0130"}, []dir{{"noai", ""}}},
		{"upper case prefix", []string{"GPTBOT: NOML, NoImageAI"}, []dir{{"noml", "GPTBOT"}, {"noimageai", "GPTBOT"}}},
		{"directive at the end", []string{"noindex,noimageai"}, []dir{{"noimageai", ""}}},
		{"directive cut short", []string{"noindex, noimagea"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := noai.ParseXRobotsTag(tt.in...)
			if diff := cmp.Diff(tt.want, summarize(got)); diff != "" {
				t.Errorf("ParseXRobotsTag(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			for _, d := range got {
				if d.Source != noai.SourceHeader {
					t.Errorf("ParseXRobotsTag(%q) source = %v", tt.in, d.Source)
				}
			}
		})
	}
}

func TestParseHeader(t *testing.T) {
	h := http.Header{
		"X-Robots-Tag": {"noai"},
		"x-robots-tag": {"googlebot: noimageai"},
		"Content-Type": {"image/png"},
	}
	want := []noai.Directive{
		{Name: "noai", Source: noai.SourceHeader, Raw: "noai"},
		{Name: "noimageai", Agent: "googlebot", Source: noai.SourceHeader, Raw: "googlebot: noimageai"},
	}
	if diff := cmp.Diff(want, noai.ParseHeader(h)); diff != "" {
		t.Errorf("ParseHeader mismatch (-want +got):\n%s", diff)
	}
	if got := noai.ParseHeader(nil); got != nil {
		t.Errorf("ParseHeader(nil) = %v, want nil", got)
	}
	one := http.Header{"x-robots-TAG": {"noindex", "noml"}}
	if got := summarize(noai.ParseHeader(one)); !cmp.Equal(got, []dir{{"noml", ""}}) {
		t.Errorf("ParseHeader(one spelling) = %v", got)
	}
	three := http.Header{"x-robots-tag": {"b: noai"}, "X-ROBOTS-TAG": {"a: noai"}, "X-Robots-Tag": {"c: noai"}}
	if got := summarize(noai.ParseHeader(three)); !cmp.Equal(got, []dir{{"noai", "a"}, {"noai", "c"}, {"noai", "b"}}) {
		t.Errorf("ParseHeader(three spellings) = %v, want them in the order of the spellings", got)
	}
}

// optout.md §4.5: <meta name="robots" content="noai">.
func TestParseMeta(t *testing.T) {
	tests := []struct {
		name, metaName, content string
		want                    []dir
	}{
		{"robots noai", "robots", "noai", []dir{{"noai", ""}}},
		{"robots both", "robots", "noai, noimageai", []dir{{"noai", ""}, {"noimageai", ""}}},
		{"upper-case name", "ROBOTS", "NOAI", []dir{{"noai", ""}}},
		{"agent meta", "GPTBot", "noimageai", []dir{{"noimageai", "GPTBot"}}},
		{"padded name", " robots ", "noai", []dir{{"noai", ""}}},
		{"no agent prefixes in meta: read unscoped", "robots", "googlebot: noai", []dir{{"noai", ""}}},
		{"max-snippet", "robots", "max-snippet:-1, noai", []dir{{"noai", ""}}},
		{"index follow", "robots", "index, follow", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := noai.ParseMeta(tt.metaName, tt.content)
			if diff := cmp.Diff(tt.want, summarize(got)); diff != "" {
				t.Errorf("ParseMeta(%q, %q) mismatch (-want +got):\n%s", tt.metaName, tt.content, diff)
			}
			for _, d := range got {
				if d.Source != noai.SourceMeta || d.Raw != tt.content {
					t.Errorf("ParseMeta(%q, %q) = %+v", tt.metaName, tt.content, d)
				}
			}
		})
	}
}

// optout.md §4.5 and §9 step 5: what is reserved, for which crawler.
func TestReserved(t *testing.T) {
	tests := []struct {
		name         string
		dirs         []noai.Directive
		agent        string
		text, images bool
		evidence     int
	}{
		{"nothing", nil, "GPTBot", false, false, 0},
		{"noai reserves text and images", noai.ParseXRobotsTag("noai"), "GPTBot", true, true, 1},
		{"noimageai reserves images only", noai.ParseMeta("robots", "noimageai"), "GPTBot", false, true, 1},
		{"noml reads as noai", noai.ParseMeta("robots", "noml"), "CCBot", true, true, 1},
		{"scoped to the agent", noai.ParseXRobotsTag("gptbot: noai"), "GPTBot", true, true, 1},
		{"scoped to another agent", noai.ParseXRobotsTag("googlebot: noai"), "GPTBot", false, false, 0},
		{"scoped needs an agent", noai.ParseXRobotsTag("googlebot: noai"), "", false, false, 0},
		{"unscoped applies without agent", noai.ParseXRobotsTag("noai"), "", true, true, 1},
		{"scoped and unscoped add up", append(noai.ParseXRobotsTag("noimageai"), noai.ParseMeta("GPTBot", "noai")...), "GPTBot", true, true, 2},
		{"agent token compared whole §5", noai.ParseXRobotsTag("AI2Bot: noai"), "AI", false, false, 0},
		{"header and meta", append(noai.ParseXRobotsTag("noimageai"), noai.ParseMeta("robots", "noai")...), "CCBot", true, true, 2},
		{"unknown directive names ignored", []noai.Directive{{Name: "noindex"}}, "CCBot", false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := noai.Reserved(tt.dirs, tt.agent)
			if r.Text != tt.text || r.Images != tt.images || len(r.Evidence) != tt.evidence {
				t.Errorf("Reserved(%v, %q) = text %v images %v (%d evidence), want %v %v (%d)", tt.dirs, tt.agent, r.Text, r.Images, len(r.Evidence), tt.text, tt.images, tt.evidence)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want bool
	}{
		{"noai", "noai", true},
		{"upper", "NOIMAGEAI", true},
		{"noml", "noml", true},
		{"noindex", "noindex", false},
	} {
		if got := noai.Known(tt.in); got != tt.want {
			t.Errorf("%s: Known(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestSourceString(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    noai.Source
		want string
	}{
		{"header", noai.SourceHeader, "X-Robots-Tag"},
		{"meta", noai.SourceMeta, "meta"},
		{"none", noai.SourceNone, "none"},
	} {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.name, got, tt.want)
		}
	}
}
