package evallog_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/gpai-project/gpai/evallog"
)

func ExampleReadFile() {
	results, err := evallog.ReadFile("testdata/results_2025-05-12T10-31-07.512345.json")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results[:3] {
		fmt.Printf("%s %s@%s %s,%s = %.4f ± %.4f (n=%d)\n", r.Format, r.Model, r.Checkpoint, r.Metric, r.Scorer, r.Value, *r.StdErr, r.Samples)
	}
	// Output:
	// lm-eval gpai-org/atlas-7b@step-12000 acc,none = 0.7319 ± 0.0091 (n=2376)
	// lm-eval gpai-org/atlas-7b@step-12000 acc_norm,none = 0.6848 ± 0.0095 (n=2376)
	// lm-eval gpai-org/atlas-7b@step-12000 exact_match,flexible-extract = 0.3563 ± 0.0132 (n=1319)
}

func ExampleRead() {
	log := `{"version": 2, "status": "success",
 "eval": {"task": "cyber_ctf", "model": "openai/gpt-4o", "created": "2025-03-01T10:00:00+00:00",
          "model_args": {"checkpoint": "ckpt-40"}, "dataset": {"name": "ctf"}},
 "results": {"total_samples": 40, "completed_samples": 40,
             "scores": [{"name": "includes", "scorer": "includes",
                         "metrics": {"accuracy": {"name": "accuracy", "value": 0.35},
                                     "stderr": {"name": "stderr", "value": 0.076}}}]}}`
	results, err := evallog.Read("cyber.json", stringReader(log), int64(len(log)))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := results[0]
	fmt.Println(r.Format, r.Task, r.Checkpoint, r.Scorer, r.Metric, r.Value, *r.StdErr, r.Samples, r.Date.Format("2006-01-02"))
	// Output:
	// inspect-json cyber_ctf ckpt-40 includes accuracy 0.35 0.076 40 2025-03-01
}

func stringReader(s string) *strings.Reader { return strings.NewReader(s) }
