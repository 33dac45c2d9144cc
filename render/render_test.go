package render_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/crawlstats"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/internal/golden"
	"github.com/gpai-project/gpai/render"
	"github.com/gpai-project/gpai/render/pdf"
)

const example = "../examples/open-weight-finetune"

func exampleSummary(t *testing.T) *gpai.Summary {
	t.Helper()
	d, _, err := dossier.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	var inv gpai.DataInventory
	if _, err := dossier.LoadFile(example, gpai.DataFile, &inv); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(example + "/crawl/stats.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := crawlstats.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	var ranked []gpai.DomainShare
	for _, r := range st.RuleList(true) {
		ranked = append(ranked, gpai.DomainShare{Domain: r.Name, Records: r.Records, Bytes: r.Bytes, Share: float64(r.Bytes) / float64(st.Bytes)})
	}
	s := gpai.BuildSummary(d.Facts, &inv, ranked, len(st.Domains), gpai.NewDate(2026, 12, 1))
	s.Inputs = map[string]string{"data.yaml": "fixed-for-golden"}
	return s
}

// templateLabels are the questions and field labels of the Commission's
// template (regulation.md §5.1-5.4); every one must appear in the summary.
var templateLabels = []string{
	"Version of the summary", "Last update",
	"Provider name and contact details", "Authorised representative name and contact details",
	"Versioned model name(s)", "Model dependencies", "Date of placement of the model on the Union market",
	"Modality", "Training data size", "Types of content",
	"Latest date of data acquisition or collection for model training", "continuously trained on new data",
	"Linguistic characteristics of the overall training data", "Other relevant characteristics of the overall training data", "Additional comments",
	"2.1 Publicly available datasets", "Have you used publicly available datasets", "large publicly available dataset", "Other publicly available datasets",
	"2.2.1 Datasets commercially licensed by rightsholders or their representatives", "transactional commercial licensing agreement",
	"2.2.2 Private datasets obtained from other third parties", "Have you obtained private datasets from third parties",
	"2.3 Data crawled and scraped from online sources", "Were crawlers used by the provider or on its behalf?",
	"Crawler name(s) or identifier(s)", "Purposes of the crawler(s)", "General description of crawler behaviour",
	"Period of data collection", "Type of content and online sources crawled", "most relevant domain names crawled",
	"2.4 User data", "Was data from user interactions with the AI model", "user interactions with the provider's other services or products",
	"2.5 Synthetic data", "Was synthetic AI-generated data created by the provider", "General-purpose AI models used to generate the data", "Other AI models used",
	"2.6 Other sources of data", "3.1 Respect of reservation of rights from the text and data mining exception or limitation",
	"Are you a Signatory to the General-Purpose AI Code of Practice", "Measures implemented before and during data collection to respect reservations of rights",
	"3.2 Removal of illegal content", "3.3 Other information",
}

func TestSummaryFormats(t *testing.T) {
	s := exampleSummary(t)
	for _, format := range []string{"md", "html", "json"} {
		var buf bytes.Buffer
		if err := render.Summary(&buf, s, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		golden.Assert(t, "summary."+format, buf.Bytes())
		if format == "json" {
			continue
		}
		text := buf.String()
		if format == "html" {
			text = strings.ReplaceAll(text, "&#39;", "'")
		}
		for _, label := range templateLabels {
			if !strings.Contains(text, label) {
				t.Errorf("%s lacks the template's %q", format, label)
			}
		}
		for _, d := range s.Domains {
			if !strings.Contains(text, d.Domain) && !strings.Contains(text, strings.ReplaceAll(d.Domain, "-", "\\-")) {
				t.Errorf("%s lacks listed domain %s", format, d.Domain)
			}
		}
	}
	if len(s.Domains) != 30 {
		t.Errorf("SME rule on 600 domains listed %d, want 30", len(s.Domains))
	}
}

func TestSummaryEscaping(t *testing.T) {
	s := exampleSummary(t)
	s.Provider = `<script>alert("x")</script> | *bold*`
	s.Comments = "line one\nline | two"
	var h, m bytes.Buffer
	if err := render.Summary(&h, s, "html"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "<script>alert") {
		t.Error("HTML does not escape the provider name")
	}
	if err := render.Summary(&m, s, "md"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.String(), "<script>") || strings.Contains(m.String(), " | *bold*") || strings.Contains(m.String(), "line | two") {
		t.Error("Markdown does not escape table-breaking characters")
	}
}

// TestSummaryPDF prints the summary with a real Chromium; CI installs it.
func TestSummaryPDF(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is missing on CI: .ci/run must install it")
		}
		t.Skip("no chromium on this machine")
	}
	var h bytes.Buffer
	if err := render.Summary(&h, exampleSummary(t), "html"); err != nil {
		t.Fatal(err)
	}
	cfg := pdf.DefaultConfig()
	cfg.Footer = "Public summary of training content"
	b, err := pdf.Render(context.Background(), h.Bytes(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(20, len(b))])
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return
	}
	dir := t.TempDir()
	os.WriteFile(dir+"/s.pdf", b, 0o644)
	out, err := exec.Command("pdftotext", "-layout", dir+"/s.pdf", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Public summary of training content", "Lumen Labs SAS", "3.2 Removal of illegal content", "fleet-studio.info", "page 1 of"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}
