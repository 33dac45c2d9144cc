package gpai_test

import (
	"fmt"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/rulebook"
)

func ExampleAssess() {
	d, est, err := dossier.Load("examples/open-weight-finetune")
	if err != nil {
		panic(err)
	}
	rb, err := rulebook.Default()
	if err != nil {
		panic(err)
	}
	s := gpai.Assess(d, est, rb, gpai.NewDate(2026, 12, 1))
	fmt.Println(s.Classification)
	for _, o := range s.Obligations[:2] {
		fmt.Println(o.Rule, o.Status, o.Due)
	}
	// Output:
	// gpai=true provider=true systemic_risk=false open_source_exempt=true
	// ART91-AIO-REQUEST on-event <nil>
	// ART53-1C-COPYRIGHT-POLICY met 2027-01-15
}

func ExampleComputeInputs_Estimate() {
	in := gpai.ComputeInputs{Stages: []gpai.Stage{{
		Name: "pre-training", Kind: "pre-training",
		Architecture: &gpai.ArchitectureInputs{Parameters: 3.8e9, Tokens: 3.3e12},
	}}}
	est, _ := in.Estimate(0, nil)
	fmt.Println(gpai.FormatFLOP(est.TrainingFLOP, 2), est.TrainingFLOP > 1e23)
	// Output: 7.5e22 false
}
