package tdmrep_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gpai-project/gpai/tdmrep"
)

// optout.md §3.1: only "1" and "0" are values; anything else is a protocol
// error and the property is unset.
func TestParseReservation(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want tdmrep.Reservation
		ok   bool
	}{
		{"reserved", "1", tdmrep.Reserved, true},
		{"not reserved", "0", tdmrep.NotReserved, true},
		{"surrounding whitespace §3.3", " \t1 ", tdmrep.Reserved, true},
		{"empty", "", tdmrep.Unset, false},
		{"two", "2", tdmrep.Unset, false},
		{"true", "true", tdmrep.Unset, false},
		{"yes", "yes", tdmrep.Unset, false},
		{"decimal", "1.0", tdmrep.Unset, false},
		{"quoted", `"1"`, tdmrep.Unset, false},
		{"leading zero", "01", tdmrep.Unset, false},
		{"inner space", "1 0", tdmrep.Unset, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tdmrep.ParseReservation(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseReservation(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// optout.md §3.3: header fields, case-insensitive names, trimmed values,
// repeated fields.
func TestParseHeader(t *testing.T) {
	tests := []struct {
		name string
		h    http.Header
		want tdmrep.Statement
	}{
		{
			name: "absent",
			h:    http.Header{"Content-Type": {"text/html"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader},
		},
		{
			name: "reserved with policy",
			h:    http.Header{"Tdm-Reservation": {"1"}, "Tdm-Policy": {" https://example.com/policy.json "}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: tdmrep.Reserved, Raw: "1", Policy: "https://example.com/policy.json"},
		},
		{
			name: "not reserved",
			h:    http.Header{"Tdm-Reservation": {"0"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: tdmrep.NotReserved, Raw: "0"},
		},
		{
			name: "non-canonical key from a raw map",
			h:    http.Header{"TDM-RESERVATION": {" 1 "}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: tdmrep.Reserved, Raw: " 1 "},
		},
		{
			name: "invalid value is unset but raw kept §3.1",
			h:    http.Header{"Tdm-Reservation": {"yes"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Raw: "yes"},
		},
		{
			name: "repeated conflicting fields are unset §3.3",
			h:    http.Header{"Tdm-Reservation": {"1", "0"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Raw: "1, 0"},
		},
		{
			name: "combined conflicting list is unset §3.3",
			h:    http.Header{"Tdm-Reservation": {"1, 0"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Raw: "1, 0"},
		},
		{
			name: "repeated agreeing fields",
			h:    http.Header{"Tdm-Reservation": {"1", "1"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: tdmrep.Reserved, Raw: "1, 1"},
		},
		{
			name: "empty list element is invalid",
			h:    http.Header{"Tdm-Reservation": {"1,"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Raw: "1,"},
		},
		{
			name: "policy without reservation §3.6",
			h:    http.Header{"Tdm-Policy": {"https://example.com/p"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Policy: "https://example.com/p"},
		},
		{
			name: "first non-empty policy",
			h:    http.Header{"Tdm-Reservation": {"1"}, "Tdm-Policy": {"", "https://a.example/p", "https://b.example/p"}},
			want: tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: tdmrep.Reserved, Raw: "1", Policy: "https://a.example/p"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tdmrep.ParseHeader(tt.h)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseHeader(%v) mismatch (-want +got):\n%s", tt.h, diff)
			}
		})
	}
}

// optout.md §3.4 and §3.5: meta elements and embedded metadata.
func TestParseMetaAndEmbedded(t *testing.T) {
	tests := []struct {
		name        string
		reservation []string
		policy      []string
		want        tdmrep.Statement
	}{
		{"none", nil, nil, tdmrep.Statement{}},
		{"reserved", []string{"1"}, []string{"https://example.com/p"}, tdmrep.Statement{Reservation: tdmrep.Reserved, Raw: "1", Policy: "https://example.com/p"}},
		{"whitespace", []string{"\n 0 \n"}, nil, tdmrep.Statement{Reservation: tdmrep.NotReserved, Raw: "\n 0 \n"}},
		{"conflict", []string{"0", "1"}, nil, tdmrep.Statement{Raw: "0, 1"}},
		{"empty content", []string{""}, nil, tdmrep.Statement{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			want.Source = tdmrep.SourceHTML
			if diff := cmp.Diff(want, tdmrep.ParseMeta(tt.reservation, tt.policy)); diff != "" {
				t.Errorf("ParseMeta(%q, %q) mismatch (-want +got):\n%s", tt.reservation, tt.policy, diff)
			}
			want.Source = tdmrep.SourceEmbedded
			if diff := cmp.Diff(want, tdmrep.ParseEmbedded(tt.reservation, tt.policy)); diff != "" {
				t.Errorf("ParseEmbedded(%q, %q) mismatch (-want +got):\n%s", tt.reservation, tt.policy, diff)
			}
		})
	}
}

// optout.md §3.6: processing priority, and absence does not reset.
func TestResolve(t *testing.T) {
	wk := func(r tdmrep.Reservation, policy string) tdmrep.Statement {
		return tdmrep.Statement{Source: tdmrep.SourceWellKnown, Reservation: r, Raw: r.String(), Policy: policy}
	}
	hdr := func(r tdmrep.Reservation, raw, policy string) tdmrep.Statement {
		return tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: r, Raw: raw, Policy: policy}
	}
	html := func(r tdmrep.Reservation, policy string) tdmrep.Statement {
		return tdmrep.Statement{Source: tdmrep.SourceHTML, Reservation: r, Raw: r.String(), Policy: policy}
	}
	emb := func(r tdmrep.Reservation) tdmrep.Statement {
		return tdmrep.Statement{Source: tdmrep.SourceEmbedded, Reservation: r, Raw: r.String()}
	}
	tests := []struct {
		name      string
		in        []tdmrep.Statement
		want      tdmrep.Reservation
		from      tdmrep.Source
		policy    string
		policySrc tdmrep.Source
	}{
		{"nothing", nil, tdmrep.Unset, tdmrep.SourceNone, "", tdmrep.SourceNone},
		{"empty statements", []tdmrep.Statement{{Source: tdmrep.SourceWellKnown}, {Source: tdmrep.SourceHeader}}, tdmrep.Unset, tdmrep.SourceNone, "", tdmrep.SourceNone},
		{"well-known only", []tdmrep.Statement{wk(tdmrep.Reserved, "P")}, tdmrep.Reserved, tdmrep.SourceWellKnown, "P", tdmrep.SourceWellKnown},
		{"header supersedes well-known", []tdmrep.Statement{wk(tdmrep.Reserved, ""), hdr(tdmrep.NotReserved, "0", "")}, tdmrep.NotReserved, tdmrep.SourceHeader, "", tdmrep.SourceNone},
		{"html supersedes header", []tdmrep.Statement{hdr(tdmrep.NotReserved, "0", ""), html(tdmrep.Reserved, "")}, tdmrep.Reserved, tdmrep.SourceHTML, "", tdmrep.SourceNone},
		{"embedded supersedes html", []tdmrep.Statement{html(tdmrep.Reserved, ""), emb(tdmrep.NotReserved)}, tdmrep.NotReserved, tdmrep.SourceEmbedded, "", tdmrep.SourceNone},
		{"argument order does not matter", []tdmrep.Statement{html(tdmrep.Reserved, ""), wk(tdmrep.NotReserved, "")}, tdmrep.Reserved, tdmrep.SourceHTML, "", tdmrep.SourceNone},
		{"file policy survives header reservation", []tdmrep.Statement{wk(tdmrep.Reserved, "P"), hdr(tdmrep.Reserved, "1", "")}, tdmrep.Reserved, tdmrep.SourceHeader, "P", tdmrep.SourceWellKnown},
		{"later policy supersedes", []tdmrep.Statement{wk(tdmrep.Reserved, "P"), html(tdmrep.Unset, "Q")}, tdmrep.Reserved, tdmrep.SourceWellKnown, "Q", tdmrep.SourceHTML},
		{"absent header keeps file value", []tdmrep.Statement{wk(tdmrep.Reserved, ""), hdr(tdmrep.Unset, "", "")}, tdmrep.Reserved, tdmrep.SourceWellKnown, "", tdmrep.SourceNone},
		{"invalid header keeps file value §3.1", []tdmrep.Statement{wk(tdmrep.Reserved, ""), hdr(tdmrep.Unset, "yes", "")}, tdmrep.Reserved, tdmrep.SourceWellKnown, "", tdmrep.SourceNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tdmrep.Resolve(tt.in...)
			if got.Reservation != tt.want || got.From.Source != tt.from || got.Policy != tt.policy || got.PolicyFrom.Source != tt.policySrc {
				t.Errorf("Resolve(%v) = %v from %v, policy %q from %v; want %v from %v, policy %q from %v",
					tt.in, got.Reservation, got.From.Source, got.Policy, got.PolicyFrom.Source,
					tt.want, tt.from, tt.policy, tt.policySrc)
			}
		})
	}
}

func TestResolveEvidence(t *testing.T) {
	f := mustParse(t, "testdata/publisher.json")
	r := tdmrep.Resolve(f.Lookup("https://example.com/images/cat.jpg"), tdmrep.ParseHeader(http.Header{}))
	want := tdmrep.Result{
		Reservation: tdmrep.Reserved,
		Policy:      "https://example.com/policies/images.json",
	}
	want.From = tdmrep.Statement{Source: tdmrep.SourceWellKnown, Reservation: tdmrep.Reserved, Raw: "1", Policy: want.Policy, Rule: &f.Rules[1]}
	want.PolicyFrom = want.From
	if diff := cmp.Diff(want, r, cmpopts.IgnoreUnexported(tdmrep.Rule{})); diff != "" {
		t.Errorf("Resolve mismatch (-want +got):\n%s", diff)
	}
	if r.From.Rule.Index != 1 || r.From.Rule.Line != 6 || r.From.Rule.Location != "/images/*.jpg$" {
		t.Errorf("evidence rule = %+v, want index 1, line 6, location /images/*.jpg$", *r.From.Rule)
	}
}

func TestStrings(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  string
		want string
	}{
		{"unset", tdmrep.Unset.String(), "unset"},
		{"reserved", tdmrep.Reserved.String(), "1"},
		{"not reserved", tdmrep.NotReserved.String(), "0"},
		{"source", tdmrep.SourceWellKnown.String(), "tdmrep.json"},
		{"bad source", tdmrep.Source(42).String(), "unknown"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// Statements of the same source apply in argument order, and Resolve
// neither changes its argument nor allocates for statements in processing
// order.
func TestResolveOrder(t *testing.T) {
	h1 := tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: tdmrep.Reserved, Raw: "1"}
	h0 := tdmrep.Statement{Source: tdmrep.SourceHeader, Reservation: tdmrep.NotReserved, Raw: "0"}
	wk := tdmrep.Statement{Source: tdmrep.SourceWellKnown, Reservation: tdmrep.Reserved, Raw: "1", Policy: "P"}
	in := []tdmrep.Statement{h1, wk, h0}
	if got := tdmrep.Resolve(in...); got.From.Raw != "0" || got.Policy != "P" {
		t.Errorf("Resolve(header 1, file 1, header 0) = %+v, want the second header and the file's policy", got)
	}
	if in[0].Raw != "1" || in[1].Source != tdmrep.SourceWellKnown || in[2].Raw != "0" {
		t.Errorf("Resolve changed its argument: %+v", in)
	}
	sorted := []tdmrep.Statement{wk, h1, h0}
	if n := testing.AllocsPerRun(100, func() { tdmrep.Resolve(sorted...) }); n != 0 {
		t.Errorf("Resolve of sorted statements allocates %.1f times, want 0", n)
	}
}

func TestParseHeaderValues(t *testing.T) {
	for _, h := range []http.Header{
		{},
		{"Tdm-Reservation": {"1"}, "Tdm-Policy": {"", " https://example.com/p "}},
		{"Tdm-Reservation": {"1", "0"}},
		{"Tdm-Reservation": {"yes"}},
	} {
		want := tdmrep.ParseHeader(h)
		got := tdmrep.ParseHeaderValues(h[tdmrep.HeaderReservation], h[tdmrep.HeaderPolicy])
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseHeaderValues(%v) mismatch (-want +got):\n%s", h, diff)
		}
	}
}
