package gpai_test

import (
	"testing"
	"time"

	"github.com/gpai-project/gpai"
)

func TestCaseDueDate(t *testing.T) {
	rec := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	deadline := rec.Add(72 * time.Hour)
	p := gpai.CasePolicy{ComplaintTarget: 7 * 24 * time.Hour}
	for _, tc := range []struct {
		name     string
		kind     gpai.CaseKind
		deadline *time.Time
		want     time.Time
	}{
		{"downstream 14 days", gpai.CaseDownstream, nil, rec.Add(14 * 24 * time.Hour)},
		{"authority named deadline", gpai.CaseAuthority, &deadline, deadline},
		{"authority without deadline is due now", gpai.CaseAuthority, nil, rec},
		{"complaint policy", gpai.CaseComplaint, nil, rec.Add(7 * 24 * time.Hour)},
		{"reservation default", gpai.CaseReservation, &deadline, rec.Add(30 * 24 * time.Hour)},
		{"information default", gpai.CaseInformation, nil, rec.Add(30 * 24 * time.Hour)},
	} {
		if got := gpai.DueDate(tc.kind, rec, tc.deadline, p); !got.Equal(tc.want) {
			t.Errorf("%s: DueDate = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCaseReference(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		r := gpai.NewReference()
		if seen[r] {
			t.Fatalf("NewReference repeated %s", r)
		}
		seen[r] = true
		got, err := gpai.ParseReference(gpai.FormatReference(r))
		if err != nil || got != r {
			t.Fatalf("ParseReference(%q) = %q, %v", gpai.FormatReference(r), got, err)
		}
		// Every single substitution and adjacent swap is caught.
		for i := range len(r) {
			for _, c := range []byte(gpai.ReferenceAlphabet) {
				if c == r[i] {
					continue
				}
				b := []byte(r)
				b[i] = c
				if _, err := gpai.ParseReference(string(b)); err == nil {
					t.Fatalf("ParseReference(%q) accepted a mistyped %q", b, r)
				}
			}
			if i+1 < len(r) && r[i] != r[i+1] {
				b := []byte(r)
				b[i], b[i+1] = b[i+1], b[i]
				if _, err := gpai.ParseReference(string(b)); err == nil {
					t.Fatalf("ParseReference(%q) accepted a swapped %q", b, r)
				}
			}
		}
	}
	for _, bad := range []string{"", "ABC", "0000000000", "IIIIIIIIII", "23456789AB2"} {
		if _, err := gpai.ParseReference(bad); gpai.ErrorCode(err) != gpai.EINVALID {
			t.Errorf("ParseReference(%q) = %v, want EINVALID", bad, err)
		}
	}
}

func TestCaseTransition(t *testing.T) {
	for _, tc := range []struct {
		from, to gpai.CaseStatus
		role     gpai.Role
		code     string
	}{
		{gpai.CaseReceived, gpai.CaseAcknowledged, gpai.RoleOfficer, ""},
		{gpai.CaseReceived, gpai.CaseManifestlyUnfounded, gpai.RoleOfficer, ""},
		{gpai.CaseAcknowledged, gpai.CaseReceived, gpai.RoleAdmin, gpai.EINVALID},
		{gpai.CaseInReview, gpai.CaseAcknowledged, gpai.RoleAdmin, gpai.EINVALID},
		{gpai.CaseResolved, gpai.CaseRejected, gpai.RoleAdmin, gpai.EINVALID},
		{gpai.CaseResolved, gpai.CaseInReview, gpai.RoleOfficer, gpai.EUNAUTHORIZED},
		{gpai.CaseResolved, gpai.CaseInReview, gpai.RoleAdmin, ""},
		{gpai.CaseReceived, "closed", gpai.RoleAdmin, gpai.EINVALID},
	} {
		if got := gpai.ErrorCode(gpai.CheckTransition(tc.from, tc.to, tc.role)); got != tc.code {
			t.Errorf("CheckTransition(%s, %s, %s) = %q, want %q", tc.from, tc.to, tc.role, got, tc.code)
		}
	}
}

func TestCaseTarget(t *testing.T) {
	for _, tc := range []struct {
		in   gpai.Target
		want string
		ok   bool
	}{
		{gpai.Target{Kind: gpai.TargetDomain, Value: " Example.ORG. "}, "example.org", true},
		{gpai.Target{Kind: gpai.TargetDomain, Value: "https://example.org"}, "", false},
		{gpai.Target{Kind: gpai.TargetURL, Value: "HTTPS://Example.org/Path"}, "https://example.org/Path", true},
		{gpai.Target{Kind: gpai.TargetURL, Value: "javascript:alert(1)"}, "", false},
		{gpai.Target{Kind: gpai.TargetWork, Value: " ISBN 978-3-16-148410-0 "}, "ISBN 978-3-16-148410-0", true},
		{gpai.Target{Kind: "file", Value: "x"}, "", false},
	} {
		got, err := gpai.NormalizeTarget(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got.Value != tc.want) {
			t.Errorf("NormalizeTarget(%+v) = %+v, %v; want %q ok=%t", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
