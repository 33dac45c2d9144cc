package crawlstats_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/crawlstats"
	"github.com/parquet-go/parquet-go"
)

func otherParquet(t testing.TB) []byte {
	type row struct {
		URL  string `parquet:"url"`
		Size int64  `parquet:"size"`
	}
	var b bytes.Buffer
	if err := parquet.Write(&b, []row{{"https://example.com/", 10}}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRuleCount(t *testing.T) {
	tests := []struct {
		n, general, sme int
	}{
		{0, 0, 0},
		{1, 1, 1},
		{9, 1, 1}, // fewer than 10 domains: one is listed
		{10, 1, 1},
		{11, 2, 1}, // 1.1 rounds up
		{19, 2, 1},
		{20, 2, 1},
		{21, 3, 2}, // 5 % of 21 = 1.05 rounds up
		{100, 10, 5},
		{8000, 800, 400},    // regulation.md §5.5 worked example
		{19999, 2000, 1000}, // 999.95 rounds up to the cap
		{20000, 2000, 1000}, // 5 % is exactly the cap
		{20020, 2002, 1000}, // 1,001 capped
		{50000, 5000, 1000}, // worked examples
		{300000, 30000, 1000},
	}
	for _, tt := range tests {
		if got := crawlstats.RuleCount(tt.n, false); got != tt.general {
			t.Errorf("RuleCount(%d, false) = %d, want %d", tt.n, got, tt.general)
		}
		if got := crawlstats.RuleCount(tt.n, true); got != tt.sme {
			t.Errorf("RuleCount(%d, true) = %d, want %d", tt.n, got, tt.sme)
		}
	}
	if got := crawlstats.TopPercent(5, 100); got != 5 {
		t.Errorf("TopPercent(5, 100) = %d, want 5", got)
	}
	if got := crawlstats.TopPercent(5, 200); got != 5 {
		t.Errorf("TopPercent(5, 200) = %d, want 5", got)
	}
}

func TestRuleListTies(t *testing.T) {
	var st crawlstats.Stats
	at := time.Date(2024, 8, 2, 0, 0, 0, 0, time.UTC)
	// 11 domains: d00 is largest, the other ten tie.
	st.AddDomain("d00.com", 500, at)
	for i := 10; i >= 1; i-- {
		st.AddDomain(fmt.Sprintf("d%02d.com", i), 100, at)
	}
	got := []string{}
	for _, r := range st.RuleList(false) {
		got = append(got, r.Name)
	}
	// ceil(11/10) = 2: the largest, then the first of the tie by name.
	if diff := cmp.Diff([]string{"d00.com", "d01.com"}, got); diff != "" {
		t.Errorf("RuleList(false) (-want +got):\n%s", diff)
	}
	if n := len(st.RuleList(true)); n != 1 {
		t.Errorf("len(RuleList(true)) = %d, want 1", n)
	}
	if n := len(st.Top(100)); n != 11 {
		t.Errorf("len(Top(100)) = %d, want 11", n)
	}
}

func TestRegisteredDomain(t *testing.T) {
	tests := []struct{ host, want string }{
		{"www.example.com", "example.com"},
		{"example.com", "example.com"},
		{"a.b.example.co.uk", "example.co.uk"},
		{"foo.blogspot.com", "foo.blogspot.com"},
		{"x.foo.blogspot.com", "foo.blogspot.com"},
		{"bar.s3.amazonaws.com", "bar.s3.amazonaws.com"},
		{"me.github.io", "me.github.io"},
		{"blogspot.com", "blogspot.com"}, // a suffix itself
		{"com", "com"},
		{"65.254.220.10", "65.254.220.10"},
		{"2001:db8::1", "2001:db8::1"},
		{"xn--80aswg.xn--p1ai", "xn--80aswg.xn--p1ai"},
		{"www.xn--80aswg.xn--p1ai", "xn--80aswg.xn--p1ai"},
		{"localhost", "localhost"},
		{"1.2.3.4.5", "4.5"}, // not an IP address
	}
	for _, tt := range tests {
		if got := crawlstats.RegisteredDomain(tt.host); got != tt.want {
			t.Errorf("RegisteredDomain(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestStatsAddMerge(t *testing.T) {
	t1 := time.Date(2024, 8, 2, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	var a, b crawlstats.Stats
	a.AddHost("www.example.com", 10, t2)
	b.AddHost("example.com", 5, t1)
	b.AddMalformed("bad_url", "in", 3, []byte("x"))
	a.Merge(&b)
	want := &crawlstats.Domain{Records: 2, Bytes: 15, First: t1, Last: t2}
	if diff := cmp.Diff(want, a.Domains["example.com"]); diff != "" {
		t.Errorf("merged domain (-want +got):\n%s", diff)
	}
	if a.Lines != 3 || a.Records != 2 || a.Bytes != 15 || a.Malformed["bad_url"] != 1 {
		t.Errorf("merged totals = %+v", a)
	}
}
