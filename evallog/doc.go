// Package evallog reads the result files of two model-evaluation tools into
// one neutral record, [Result]:
//
//   - UK AISI Inspect evaluation logs (https://inspect.aisi.org.uk), both the
//     .eval form, a ZIP archive holding header.json, _journal/start.json,
//     summaries, reductions.json and one samples/{id}_epoch_{epoch}.json per
//     sample, and the .json form, a single EvalLog object (log schema
//     version 2, with the version 1 results.scorer layout also accepted);
//   - EleutherAI lm-evaluation-harness aggregate results files
//     (results_<date>.json), whose "results" object maps each task to
//     "<metric>,<filter>" and "<metric>_stderr,<filter>" values.
//
// [Read] detects the format from the content, never from the file name, and
// returns one Result per reported metric, each carrying its provenance: the
// file, its SHA-256, the tool and its version, the git revision, the run.
//
//	results, err := evallog.ReadFile("logs/2025-06-01T10-00-00_wmdp-bio.eval")
//	if err != nil { ... }
//	for _, r := range results {
//		fmt.Println(r.Task, r.Model, r.Checkpoint, r.Metric, r.Value)
//	}
//
// The package never fetches anything and never panics on malformed input.
// Input is bounded by [Limits]: the size of a JSON document, the number of
// members of an archive and the uncompressed size of each member and of all
// of them together, so a ZIP bomb fails with [ErrTooLarge] instead of
// exhausting memory. Hard failures are *[Error] values that name the file,
// the archive member, the line and the JSON field.
package evallog
