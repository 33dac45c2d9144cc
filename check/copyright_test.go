package check_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/rulebook"
)

func copyrightFindings(t *testing.T, example string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"gpai.yaml", "copyright.yaml", "piracy-domains.txt"} {
		b, err := os.ReadFile(filepath.Join("../examples", example, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "copyright.yaml" {
			b = []byte(edit(string(b)))
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	d, est, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := rulebook.Default()
	s := gpai.Assess(d, est, rb, gpai.NewDate(2026, 12, 1))
	fs, err := check.Copyright{}.Validate(context.Background(), d, s)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range fs {
		lines = append(lines, f.Severity.String()+" "+f.Rule+" "+f.Pos.String()+" "+f.Field+": "+f.Message)
	}
	return strings.Join(lines, "\n")
}

func TestCopyrightFindings(t *testing.T) {
	tests := []struct {
		name, example string
		edit          func(string) string
		want          []string
	}{
		{"complete open-weight example", "open-weight-finetune", same, nil},
		{"complete api example", "api-model", same, nil},
		{"no responsible person", "api-model", func(s string) string {
			i := strings.Index(s, "  responsible:")
			j := strings.Index(s, "  procedures:")
			return s[:i] + "  responsible: []\n" + s[j:]
		}, []string{"error ART53-1C-COPYRIGHT-POLICY", "copyright.yaml:13:3 policy.responsible: the policy names no one responsible"}},
		{"crawler without a token", "api-model", func(s string) string {
			return strings.Replace(s, "    product_token: MeridianBot\n", "", 1)
		}, []string{"error COPYRIGHT-RESERVATIONS", "crawlers[0]", "crawler MeridianBot has no product token"}},
		{"training crawler sharing a token with a search crawler", "api-model", func(s string) string {
			return strings.Replace(s, "product_token: MeridianSearch", "product_token: MeridianBot", 1)
		}, []string{"error COPYRIGHT-RESERVATIONS", "token MeridianBot serves both training and search"}},
		{"one crawler for training and search", "api-model", func(s string) string {
			return strings.Replace(s, "purposes: [training]", "purposes: [training, search]", 1)
		}, []string{"crawler MeridianBot serves both training and search under one token"}},
		{"user agent without the token", "api-model", func(s string) string {
			return strings.Replace(s, "(compatible; MeridianBot/1.0;", "(compatible; MBot/1.0;", 1)
		}, []string{"the user agent does not contain the product token MeridianBot"}},
		{"no infringement prohibition", "api-model", func(s string) string {
			return strings.Replace(s, "prohibits_infringement: true", "prohibits_infringement: false", 1)
		}, []string{"error COPYRIGHT-OUTPUTS", "do not prohibit copyright-infringing uses"}},
		{"open weights without the notice", "open-weight-finetune", func(s string) string {
			i := strings.Index(s, "  open_source_notice:")
			return s[:i]
		}, []string{"an open-weight model must alert users"}},
		{"piracy list missing", "api-model", func(s string) string {
			return strings.Replace(s, "file: piracy-domains.txt", "file: gone.txt", 1)
		}, []string{"piracy list file gone.txt cannot be read"}},
		{"robots read as google only", "api-model", func(s string) string {
			return strings.Replace(s, "profile: strict", "profile: google", 1)
		}, []string{"warning COPYRIGHT-RESERVATIONS", "departs from RFC 9309"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := copyrightFindings(t, tt.example, tt.edit)
			if tt.want == nil && got != "" {
				t.Errorf("findings:\n%s\nwant none", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("findings:\n%s\nwant %q", got, w)
				}
			}
		})
	}
}
