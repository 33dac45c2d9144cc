package mlbom_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/internal/golden"
	"github.com/gpai-project/gpai/mlbom"
)

const apiModel = "../examples/api-model"

func example(t testing.TB, dir string) (*gpai.Facts, *gpai.Documentation) {
	t.Helper()
	d, est, err := dossier.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var doc gpai.Documentation
	if _, err := dossier.LoadFile(dir, gpai.DocumentationFile, &doc); err != nil {
		t.Fatal(err)
	}
	if c := doc.Derive(d.Facts, est); len(c) > 0 {
		t.Fatalf("contradictions: %v", c)
	}
	return d.Facts, &doc
}

func encode(t *testing.T, f *gpai.Facts, d *gpai.Documentation, r string) []byte {
	t.Helper()
	bom, err := mlbom.Export(f, d, r)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := mlbom.Encode(&buf, bom); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cdxSchema compiles the CycloneDX 1.6 JSON schema shipped in the
// cyclonedx-go module, with the SPDX and JSF schemas it references.
func cdxSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	if err != nil {
		t.Skipf("cannot locate the cyclonedx-go module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "schema")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for file, url := range map[string]string{
		"bom-1.6.schema.json":   "http://cyclonedx.org/schema/bom-1.6.schema.json",
		"spdx.schema.json":      "http://cyclonedx.org/schema/spdx.schema.json",
		"jsf-0.82.schemax.json": "http://cyclonedx.org/schema/jsf-0.82.schema.json",
	} {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Skipf("the cyclonedx-go module ships no %s: %v", file, err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, b []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("the BOM is not valid CycloneDX 1.6: %v", err)
	}
}

func TestBOMGolden(t *testing.T) {
	s := cdxSchema(t)
	f, d := example(t, apiModel)
	for _, r := range []string{"dp", "all"} {
		b := encode(t, f, d, r)
		validate(t, s, b)
		golden.Assert(t, "api-model."+r+".cdx.json", b)
	}
	for _, r := range []string{"aio", "nca"} {
		validate(t, s, encode(t, f, d, r))
	}
	if _, err := mlbom.Export(f, d, "public"); err == nil {
		t.Error("Export accepted recipient \"public\"")
	}
}

func TestBOMStructure(t *testing.T) {
	f, d := example(t, apiModel)
	var bom struct {
		BOMFormat, SpecVersion, SerialNumber string
		Components                           []struct {
			Type      string
			Name      string
			Supplier  struct{ Name string }
			ModelCard struct {
				ModelParameters struct {
					Approach          struct{ Type string }
					ModelArchitecture string
					Inputs            []struct{ Format string }
				}
				Considerations struct {
					UseCases                    []string
					EnvironmentalConsiderations struct {
						EnergyConsumptions []struct {
							Activity           string
							ActivityEnergyCost struct {
								Value float64
								Unit  string
							}
						}
					}
				}
			}
			Properties []struct{ Name, Value string }
		}
	}
	if err := json.Unmarshal(encode(t, f, d, "all"), &bom); err != nil {
		t.Fatal(err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.6" || !strings.HasPrefix(bom.SerialNumber, "urn:uuid:") {
		t.Errorf("header = %s %s %s", bom.BOMFormat, bom.SpecVersion, bom.SerialNumber)
	}
	if len(bom.Components) != 1 {
		t.Fatalf("%d components", len(bom.Components))
	}
	c := bom.Components[0]
	mc := c.ModelCard
	if c.Type != "machine-learning-model" || c.Name != "Meridian-Pro" || c.Supplier.Name != "Meridian AI, Inc." {
		t.Errorf("component = %s %s %s", c.Type, c.Name, c.Supplier.Name)
	}
	if mc.ModelParameters.Approach.Type != "self-supervised" || !strings.HasPrefix(mc.ModelParameters.ModelArchitecture, "Decoder-only") || len(mc.ModelParameters.Inputs) != 2 {
		t.Errorf("modelParameters = %+v", mc.ModelParameters)
	}
	ec := mc.Considerations.EnvironmentalConsiderations.EnergyConsumptions
	if len(ec) != 1 || ec[0].Activity != "training" || ec[0].ActivityEnergyCost.Value != 2.4e7 || ec[0].ActivityEnergyCost.Unit != "kWh" {
		t.Errorf("energy = %+v, want 2.4e4 MWh as 2.4e7 kWh", ec)
	}
	props := map[string]string{}
	for _, p := range c.Properties {
		props[p.Name] = p.Value
	}
	if props["gpai:item:40"] != "6.6×10^24 FLOP" || props["gpai:item:13"] != "7.0×10^10 parameters" {
		t.Errorf("properties = %v", props)
	}
	a, b := encode(t, f, d, "dp"), encode(t, f, d, "dp")
	if !bytes.Equal(a, b) {
		t.Error("the BOM is not deterministic")
	}
}

func marked() *gpai.Documentation {
	m := func(n int) string { return fmt.Sprintf("MARKER%02dX", n) }
	fig := func(n int) *gpai.Figure {
		return &gpai.Figure{Value: float64(n) * 1.1e9, Text: fmt.Sprintf("%d.1e9", n)}
	}
	mag := 33
	d := gpai.NewDate(2025, 1, 2)
	return &gpai.Documentation{
		Document: gpai.DocumentHeader{Version: "1", LastUpdated: &d},
		General: gpai.DocGeneral{ProviderName: m(1), ModelName: m(2), Versions: []string{"v1", m(2)}, Authenticity: m(3),
			Dependencies: &gpai.NAList[string]{Items: []string{m(6)}}},
		Properties: gpai.DocProperties{Architecture: m(7) + " transformer", DesignSpecifications: m(8),
			InputModalities: []string{"text"}, InputMaxSize: map[string]string{"text": m(10)},
			OutputModalities: []string{"text"}, OutputMaxSize: map[string]string{"text": m(12)},
			Parameters: &gpai.Figure{Value: 1.3e10, Text: "1.3e10"}, ParameterRange: m(14)},
		Distribution: gpai.DocDistribution{Channels: []gpai.Channel{{Method: m(15), Link: "https://m15.example/MARKER15X"}}, DPChannels: []string{m(16) + " https://m16.example/MARKER16X"},
			Licence: m(17) + " https://m17.example/MARKER17X", DPLicence: m(18), AdditionalAssets: &gpai.NAList[gpai.Asset]{Items: []gpai.Asset{{Asset: m(19), Access: "x"}}}},
		Use:      gpai.DocUse{AcceptableUsePolicy: m(20), IntendedUses: m(21), IntegrationTypes: m(22), IntegrationMeans: m(23), Hardware: m(24), Software: m(25)},
		Training: gpai.DocTraining{Design: m(26) + " next-token pre-training", Rationale: m(27)},
		Data: gpai.DocData{Modalities: []string{m(28)}, Provenance: []string{m(29)}, Acquisition: m(30),
			PointsNCA: &gpai.DataPoints{Training: fig(31), Unit: m(31)}, Points: &gpai.DataPoints{Training: fig(32), Unit: m(32)},
			Scope: m(33), Curation: m(34), Unsuitability: m(35), Biases: m(36)},
		Compute: gpai.DocCompute{TimeRange: m(37), WallClockDays: &gpai.Figure{Value: 97, Text: "97"}, HardwareDays: []gpai.HardwareDays{{Hardware: m(38), Days: gpai.Figure{Value: 4e5, Text: "4e5"}}},
			FLOPMagnitude: &mag, TrainingFLOP: &gpai.Figure{Value: 4.0e40, Text: "4.0e40"}, FLOPMethodology: m(41)},
		Energy: gpai.DocEnergy{TrainingMWh: &gpai.Figure{Value: 4.2e4, Text: "4.2e4"}, Methodology: m(43), InferenceFLOP: &gpai.Figure{Value: 4.4e44, Text: "4.4e44"}, InferenceMethodology: m(45)},
	}
}

var (
	markerRE = regexp.MustCompile(`MARKER(\d\d)X`)
	numeric  = map[int]string{13: "1.3×10^10", 38: "9.7×10^1", 39: "10^33", 40: "4.0×10^40", 42: "4.2×10^4", 44: "4.4×10^44"}
)

// TestBOMNoLeak proves that the BOM for each recipient holds exactly the
// items ticked for it, and that the approach derived from item 26 (not a
// downstream provider's item) does not reach them either.
func TestBOMNoLeak(t *testing.T) {
	s := cdxSchema(t)
	facts := &gpai.Facts{Provider: gpai.Provider{Name: "P", Contact: &gpai.Contact{Email: "x@example.org"}}}
	for _, r := range []string{"dp", "aio", "nca", "all"} {
		b := encode(t, facts, marked(), r)
		validate(t, s, b)
		var want, got []int
		for _, it := range gpai.DocItems {
			if it.IsFor(r) && it.Number != 4 && it.Number != 5 && it.Number != 9 && it.Number != 11 {
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
			t.Errorf("BOM for %s: items (-ticked +written):\n%s", r, diff)
		}
		if approach := strings.Contains(string(b), `"approach"`); approach != (r != "dp") {
			t.Errorf("BOM for %s: approach present = %t", r, approach)
		}
		if energy := strings.Contains(string(b), `"energyConsumptions"`); energy != (r != "dp") {
			t.Errorf("BOM for %s: energy present = %t", r, energy)
		}
	}
}
