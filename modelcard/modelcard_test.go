package modelcard_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/internal/golden"
	"github.com/gpai-project/gpai/modelcard"
)

func itemText(v gpai.ItemValue) string {
	parts := []string{v.Text}
	for _, r := range v.Rows {
		parts = append(parts, strings.Join(r, " | "))
	}
	return strings.Join(parts, "; ")
}

func TestCardGolden(t *testing.T) {
	f, d := example(t, apiModel)
	for _, r := range []string{"dp", "all"} {
		b, err := modelcard.FromDocumentation(f, d, r)
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "api-model."+r+".md", b)
	}
	def, err := modelcard.FromDocumentation(f, d, "")
	if err != nil {
		t.Fatal(err)
	}
	dp, _ := modelcard.FromDocumentation(f, d, "dp")
	if !bytes.Equal(def, dp) {
		t.Error("the default recipient is not dp")
	}
	if _, err := modelcard.FromDocumentation(f, d, "public"); err == nil {
		t.Error("FromDocumentation accepted recipient \"public\"")
	}
}

// TestCardRoundTrip exports the example for each recipient, imports the
// card back, and checks that every item of the recipient agrees.
func TestCardRoundTrip(t *testing.T) {
	f, d := example(t, apiModel)
	for _, r := range []string{"dp", "nca", "aio", "all"} {
		t.Run(r, func(t *testing.T) {
			b, err := modelcard.FromDocumentation(f, d, r)
			if err != nil {
				t.Fatal(err)
			}
			c, err := modelcard.Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("Parse(exported card) = %v", err)
			}
			back, notes := modelcard.ToDocumentation(c)
			for _, it := range gpai.DocItems {
				if !it.IsFor(r) {
					continue
				}
				want, got := itemText(it.Value(d)), itemText(it.Value(back))
				if got != want {
					t.Errorf("item %d (%s): got %q, want %q", it.Number, it.Title, got, want)
				}
			}
			for _, n := range notes {
				if !n.Mapped && n.Item == 0 && !strings.Contains(n.Source, "tags") && !strings.Contains(n.Source, "Contact") {
					t.Errorf("unexpected unmapped content: %s", n)
				}
			}
		})
	}
}

// marked returns a form whose every item holds a marker naming it.
func marked() *gpai.Documentation {
	m := func(n int) string { return fmt.Sprintf("MARKER%02dX", n) }
	fig := func(n int) *gpai.Figure {
		return &gpai.Figure{Value: float64(n) * 1.1e9, Text: fmt.Sprintf("%d.1e9", n)}
	}
	mag := 33
	return &gpai.Documentation{
		Document: gpai.DocumentHeader{Version: "1"},
		General: gpai.DocGeneral{ProviderName: m(1), ModelName: m(2), Authenticity: m(3),
			Dependencies: &gpai.NAList[string]{Items: []string{m(6)}}},
		Properties: gpai.DocProperties{Architecture: m(7), DesignSpecifications: m(8),
			InputModalities: []string{m(9)}, InputMaxSize: map[string]string{"text": m(10)},
			OutputModalities: []string{m(11)}, OutputMaxSize: map[string]string{"text": m(12)},
			Parameters: &gpai.Figure{Value: 1.3e10, Text: "1.3e10"}, ParameterRange: m(14)},
		Distribution: gpai.DocDistribution{Channels: []gpai.Channel{{Method: m(15), Link: "https://m15.example/MARKER15X"}}, DPChannels: []string{m(16)},
			Licence: m(17) + " https://m17.example/MARKER17X", DPLicence: m(18), AdditionalAssets: &gpai.NAList[gpai.Asset]{Items: []gpai.Asset{{Asset: m(19), Access: "x"}}}},
		Use:      gpai.DocUse{AcceptableUsePolicy: m(20), IntendedUses: m(21), IntegrationTypes: m(22), IntegrationMeans: m(23), Hardware: m(24), Software: m(25)},
		Training: gpai.DocTraining{Design: m(26), Rationale: m(27)},
		Data: gpai.DocData{Modalities: []string{m(28)}, Provenance: []string{m(29)}, Acquisition: m(30),
			PointsNCA: &gpai.DataPoints{Training: fig(31), Unit: m(31)}, Points: &gpai.DataPoints{Training: fig(32), Unit: m(32)},
			Scope: m(33), Curation: m(34), Unsuitability: m(35), Biases: m(36)},
		Compute: gpai.DocCompute{TimeRange: m(37), WallClockDays: &gpai.Figure{Value: 97, Text: "97"}, HardwareDays: []gpai.HardwareDays{{Hardware: m(38), Days: gpai.Figure{Value: 4e5, Text: "4e5"}}},
			FLOPMagnitude: &mag, TrainingFLOP: &gpai.Figure{Value: 4.0e40, Text: "4.0e40"}, FLOPMethodology: m(41)},
		Energy: gpai.DocEnergy{TrainingNA: m(42), Methodology: m(43), InferenceFLOP: &gpai.Figure{Value: 4.4e44, Text: "4.4e44"}, InferenceMethodology: m(45)},
	}
}

var (
	markerRE = regexp.MustCompile(`MARKER(\d\d)X`)
	// numeric holds what the items whose value is a number look like.
	numeric = map[int]string{13: "1.3×10^10", 38: "9.7×10^1", 39: "10^33", 40: "4.0×10^40", 44: "4.4×10^44"}
)

// TestCardNoLeak proves that a card for each recipient holds exactly the
// items ticked for it: no AI-Office-only or NCA-only text reaches a card
// for downstream providers.
func TestCardNoLeak(t *testing.T) {
	facts := &gpai.Facts{Provider: gpai.Provider{Name: "P", Contact: &gpai.Contact{Email: "x@example.org"}}}
	for _, r := range []string{"dp", "aio", "nca", "all"} {
		b, err := modelcard.FromDocumentation(facts, marked(), r)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []int
		for _, it := range gpai.DocItems {
			if it.IsFor(r) && it.Number != 4 && it.Number != 5 {
				want = append(want, it.Number)
			}
		}
		seen := map[int]bool{}
		for _, m := range markerRE.FindAllStringSubmatch(string(b), -1) {
			n, _ := strconv.Atoi(m[1])
			seen[n] = true
		}
		for n, s := range numeric {
			if strings.Contains(string(b), s) {
				seen[n] = true
			}
		}
		for n := range seen {
			got = append(got, n)
		}
		sort.Ints(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("card for %s: items (-ticked +written):\n%s", r, diff)
		}
	}
}

func TestParseCards(t *testing.T) {
	tests := []struct {
		file   string
		mapped map[string]string // documentation field: want a substring of it
		notes  []string          // substrings of unmapped notes
	}{
		{"finetune-template.md", map[string]string{
			"provider":      "Example Labs GmbH",
			"model":         "zephyr-de-7b",
			"deps":          "mistralai/Mistral-7B-v0.1",
			"architecture":  "decoder-only transformer fine-tuned",
			"design":        "sliding-window attention",
			"in":            "text",
			"licence":       "apache-2.0",
			"dp_licence":    "free-and-open-source",
			"intended":      "Chat assistance",
			"out_of_scope":  "Out of scope: Medical",
			"integration":   "Customer-support",
			"means":         "pipeline(",
			"hardware":      "16 GB",
			"software":      "transformers 4.44",
			"training":      "direct preference optimisation",
			"regime":        "bf16 mixed precision",
			"acquisition":   "HuggingFaceH4/ultrachat_200k",
			"provenance":    "publicly-available",
			"curation":      "Deduplication",
			"scope":         "Languages: en, de, fr",
			"hardware_days": "A100 80GB",
		}, []string{"co2_eq_emissions", "model-index", "Carbon Emitted", "Cloud Provider", "Bias, Risks, and Limitations", "Model Card Contact", "Shared by"}},
		{"gated-llm.md", map[string]string{
			"deps":        "meta-llama/Llama-3.1-8B",
			"licence":     "llama3.1",
			"dp_licence":  "restricted",
			"intended":    "commercial and research use",
			"in":          "text",
			"software":    "transformers",
			"acquisition": "15 trillion tokens",
		}, []string{"extra_gated_prompt", "Model Information", "Hardware and Software"}},
		{"no-front-matter.md", map[string]string{
			"model":    "Tiny BERT for sentiment",
			"intended": "product reviews",
			"training": "AdamW",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "cards", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			c, err := modelcard.Parse(f)
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			d, notes := modelcard.ToDocumentation(c)
			fields := map[string]string{
				"provider": d.General.ProviderName, "model": d.General.ModelName, "architecture": d.Properties.Architecture,
				"design": d.Properties.DesignSpecifications, "in": strings.Join(d.Properties.InputModalities, ","),
				"licence": d.Distribution.Licence, "dp_licence": d.Distribution.DPLicence, "intended": d.Use.IntendedUses,
				"out_of_scope": d.Use.IntendedUses, "integration": d.Use.IntegrationTypes, "means": d.Use.IntegrationMeans,
				"hardware": d.Use.Hardware, "software": d.Use.Software, "training": d.Training.Design, "regime": d.Training.Design,
				"acquisition": d.Data.Acquisition, "provenance": strings.Join(d.Data.Provenance, ","), "curation": d.Data.Curation,
				"scope": d.Data.Scope,
			}
			if d.General.Dependencies != nil {
				fields["deps"] = strings.Join(d.General.Dependencies.Items, ",")
			}
			if len(d.Compute.HardwareDays) > 0 {
				fields["hardware_days"] = d.Compute.HardwareDays[0].Hardware + " " + d.Compute.HardwareDays[0].Days.Text
			}
			for k, want := range tt.mapped {
				if !strings.Contains(fields[k], want) {
					t.Errorf("%s = %q, want it to contain %q", k, fields[k], want)
				}
			}
			var unmapped []string
			for _, n := range notes {
				if !n.Mapped {
					unmapped = append(unmapped, n.String())
				}
			}
			all := strings.Join(unmapped, "\n")
			for _, want := range tt.notes {
				if !strings.Contains(all, want) {
					t.Errorf("no unmapped note mentions %q; notes:\n%s", want, all)
				}
			}
			if err := schemaValid(t, d); err != nil {
				t.Errorf("the prefilled form is not valid documentation.yaml: %v", err)
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	f, err := os.Open("testdata/cards/finetune-template.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := modelcard.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	md := c.Metadata
	if md.License != "apache-2.0" || md.LibraryName != "transformers" || md.PipelineTag != "text-generation" {
		t.Errorf("metadata = %+v", md)
	}
	if diff := cmp.Diff([]string{"mistralai/Mistral-7B-v0.1"}, md.BaseModel); diff != "" {
		t.Errorf("base_model (a string) as a list: %s", diff)
	}
	if md.CO2 == nil || md.CO2.Emissions != 149200 || md.CO2.HardwareUsed != "8 x A100 80GB" {
		t.Errorf("co2_eq_emissions = %+v", md.CO2)
	}
	if len(md.ModelIndex) != 1 || len(md.ModelIndex[0].Results) != 2 {
		t.Fatalf("model-index = %+v", md.ModelIndex)
	}
	r := md.ModelIndex[0].Results[0]
	if r.Task.Type != "text-generation" || r.Dataset.Type != "ai2_arc" || r.Dataset.Split != "test" || r.Metrics[0].Value != "62.03" || r.Source == nil || r.Source.Name != "Open LLM Leaderboard" {
		t.Errorf("result = %+v", r)
	}
	if _, ok := md.Extra["widget"]; !ok {
		t.Error("widget not kept in Extra")
	}
	if c.Title != "Model Card for zephyr-de-7b" {
		t.Errorf("Title = %q", c.Title)
	}
	s := c.Find("Environmental Impact")
	if s == nil {
		t.Fatal("no Environmental Impact section")
	}
	b := modelcard.Bullets(s.Body)
	for k, want := range map[string]string{"hardware type": "A100 80GB", "hours used": "48", "cloud provider": "Example Cloud", "compute region": "eu-central-1", "carbon emitted": "149.2 kg CO2eq"} {
		if b[k] != want {
			t.Errorf("Environmental Impact %s = %q, want %q", k, b[k], want)
		}
	}
	if c.Find("Training Hyperparameters") == nil || c.Find("Speeds, Sizes, Times") == nil {
		t.Error("level-4 sections not found")
	}
}

func TestParseHeadingsInCode(t *testing.T) {
	f, err := os.Open("testdata/cards/no-front-matter.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := modelcard.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, s := range c.Sections {
		titles = append(titles, fmt.Sprintf("%d %s", s.Level, s.Title))
	}
	want := []string{"1 Tiny BERT for sentiment", "2 Intended uses & limitations", "2 Training procedure"}
	if diff := cmp.Diff(want, titles); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}

func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		want     string
	}{
		{"unclosed front matter", "---\nlicense: mit\n# Title\n", 1, "never closed"},
		{"malformed YAML", "---\nlicense: mit\ntags: [a, b\n---\n# x\n", 3, "invalid YAML"},
		{"bad indentation", "---\nlicense: mit\n  language: en\n---\n", 2, "invalid YAML"},
		{"front matter is a list", "---\n- a\n- b\n---\n", 2, "not a mapping"},
		{"binary", "---\nlicense: mit\n---\n\x00\x01\x02", 4, "binary"},
		{"alias bomb", "---\na: &a [x, x]\nb: [*a, *a]\n---\n", 2, "anchors"},
		{"duplicate key", "---\nlicense: mit\nlicense: apache-2.0\n---\n", 3, "already defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := modelcard.Parse(strings.NewReader(tt.in))
			var se *modelcard.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want a *SyntaxError", err)
			}
			if se.Line != tt.line || !strings.Contains(se.Error(), tt.want) || !strings.HasPrefix(se.Error(), "modelcard: ") {
				t.Errorf("Parse = %q (line %d), want line %d and %q", se, se.Line, tt.line, tt.want)
			}
		})
	}
	huge := io(strings.Repeat("a", modelcard.MaxSize+10))
	if _, err := modelcard.Parse(huge); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Parse(huge) = %v", err)
	}
	// Lenient: odd types, invalid UTF-8, empty front matter.
	c, err := modelcard.Parse(strings.NewReader("---\nlicense: [mit, apache-2.0]\ntags: 7\nbase_model: {a: b}\nco2_eq_emissions: 12.5\n---\n# T \xff\n"))
	if err != nil {
		t.Fatalf("Parse(odd types) = %v", err)
	}
	if c.Metadata.License != "mit" || c.Metadata.CO2 == nil || c.Metadata.CO2.Emissions != 12.5 || len(c.Warnings) == 0 {
		t.Errorf("odd types: %+v, warnings %v", c.Metadata, c.Warnings)
	}
	if _, err := modelcard.Parse(strings.NewReader("---\n---\n# Empty\n")); err != nil {
		t.Errorf("Parse(empty front matter) = %v", err)
	}
	if c, err := modelcard.Parse(strings.NewReader("")); err != nil || len(c.Sections) != 0 {
		t.Errorf("Parse(\"\") = %v, %v", c, err)
	}
}

func io(s string) *strings.Reader { return strings.NewReader(s) }

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/cards/*.md")
	golds, _ := filepath.Glob("testdata/*.md")
	for _, p := range append(files, golds...) {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("---\na: [\n---\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := modelcard.Parse(bytes.NewReader(b))
		if err != nil {
			var se *modelcard.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error %v is not a *SyntaxError", err)
			}
			return
		}
		d, _ := modelcard.ToDocumentation(c)
		if _, err := modelcard.FromDocumentation(nil, d, "all"); err != nil {
			t.Fatalf("FromDocumentation(imported) = %v", err)
		}
	})
}
