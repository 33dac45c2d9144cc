package gpai

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The files of the Safety and Security chapter (AI Act Art 55; Code of
// Practice, Safety and Security), kept in the dossier's safety/ folder.
const (
	FrameworkFile   = "safety/framework.yaml"    // the Safety and Security Framework (Commitment 1)
	RisksFile       = "safety/risks.yaml"        // the systemic-risk register (Commitments 2-4)
	EvaluationsFile = "safety/evaluations.yaml"  // evaluation records (Measure 3.2)
	MitigationsFile = "safety/mitigations.yaml"  // safety and security mitigations (Commitments 5-6)
	IncidentsFile   = "safety/incidents.yaml"    // serious incidents (Commitment 9)
	ModelReportFile = "safety/model-report.yaml" // the Model Report's own inputs (Commitment 7)
)

// SafetyFiles lists the Safety and Security files in the order a reader
// meets them.
var SafetyFiles = []string{FrameworkFile, RisksFile, EvaluationsFile, MitigationsFile, ModelReportFile, IncidentsFile}

// A SpecifiedRisk is one of the four systemic risks of the Code's Appendix
// 1.4, which every provider of a model with systemic risk identifies.
type SpecifiedRisk struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Scope string `json:"scope"`
}

// SpecifiedRisks are the specified systemic risks of Appendix 1.4, by the
// ids a risk register uses for them.
var SpecifiedRisks = []SpecifiedRisk{
	{"CBRN", "Chemical, biological, radiological and nuclear", "Enabling CBRN attacks or accidents: significantly lowering barriers to entry or increasing impact in the design, development, acquisition, release, distribution or use of related weapons or materials."},
	{"LOC", "Loss of control", "Humans losing the ability to reliably direct, modify or shut down a model, through misalignment, self-reasoning, self-replication, self-improvement, deception, resistance to goal modification, power-seeking, or autonomously creating or improving AI."},
	{"CYBER", "Cyber offence", "Enabling large-scale sophisticated cyber-attacks, including on critical systems: automated vulnerability discovery, exploit generation, operational use and attack scaling."},
	{"MANIP", "Harmful manipulation", "Strategic distortion of the behaviour or beliefs of large populations or high-stakes decision-makers through persuasion, deception or personalised targeting, especially multi-turn and undetectable."},
}

// IsSpecifiedRisk reports whether id names a risk of Appendix 1.4.
func IsSpecifiedRisk(id string) bool {
	for _, r := range SpecifiedRisks {
		if r.ID == id {
			return true
		}
	}
	return false
}

// RiskTypes are the types of risk of Appendix 1.1.
var RiskTypes = []string{"public-health", "safety", "public-security", "fundamental-rights", "society"}

// SourceCategories are the categories of systemic-risk sources of Appendix
// 1.3: model capabilities, model propensities, and model affordances and
// other sources.
var SourceCategories = []string{"capability", "propensity", "affordance"}

// TierNone is the tier a risk register states for a model below the first
// tier of its risk.
const TierNone = "none"

// Responsibilities are the four systemic-risk responsibilities of Measure
// 8.1, each of which the Framework allocates (Measure 1.1(3)).
var Responsibilities = []string{"oversight", "ownership", "support-and-monitoring", "assurance"}

// A SecurityPoint is one point (a) measure of the Code's Appendix 4, which
// a provider implements, or replaces by an alternative that achieves the
// same objective and is justified in the Model Report (Measure 6.2).
type SecurityPoint struct {
	Ref       string `json:"ref"`
	Objective string `json:"objective"`
	Measure   string `json:"measure"`
}

// SecurityPoints are the 25 points of Appendix 4.1-4.5, by reference.
var SecurityPoints = []SecurityPoint{
	{"4.1(1)", "Prevent unauthorised network access", "Strong identity and access management: restrictions on device and account sharing, MFA, strong passwords, access-management tools, 802.1x, zero trust, Wi-Fi secured to the wired standard, guest networks separated"},
	{"4.1(2)", "Reduce social engineering", "Email filtering of attachments, links and phishing"},
	{"4.1(3)", "Reduce malware and risks from portable devices", "Removable-media policies"},
	{"4.1(4)", "Reduce vulnerability exploitation", "Regular updates and patch management"},
	{"4.2(1)", "Accountability for all copies of the weights", "Secure internal registry of all devices and locations storing weights"},
	{"4.2(2)", "Prevent copying to unmanaged devices", "Access management on devices storing weights, with alerts on copies to unmanaged devices"},
	{"4.2(3)", "Protect weights in transit and at rest", "Encryption in transport and storage, at least 256-bit security, keys stored securely on a TPM"},
	{"4.2(4)", "Protect weights during temporary storage", "Decrypt only for legitimate use, into non-persistent memory"},
	{"4.2(5)", "Protect weights during use", "Confidential computing as appropriate: hardware-based, attested trusted execution environments"},
	{"4.2(6)", "Physical access", "Data-centre and sensitive-area access limited to required personnel; regular inspections for unauthorised people or devices"},
	{"4.3(1)", "No unnecessary interface access", "Explicitly authorise only required software and persons, enforced with MFA and reviewed at least every 6 months"},
	{"4.3(2)", "Reduce exploitation and leakage through interfaces", "Security-team review, or automated security review at least as strict as for other sensitive code"},
	{"4.3(3)", "Reduce exfiltration", "Hardened interfaces, e.g. output rate limiting"},
	{"4.3(4)", "Reduce insider and compromised-account risk", "Limit the number of people with non-hardened interface access"},
	{"4.4(1)", "Insider access", "Background checks on employees and contractors with, or able to obtain, access to unreleased weights or access-management systems"},
	{"4.4(2)", "Awareness", "Training on recognising and reporting insider threats"},
	{"4.4(3)", "Self-exfiltration", "Sandboxes around models (virtual machines, code-execution isolation)"},
	{"4.4(4)", "Sabotage", "Checks of training data for tampering"},
	{"4.5(1)", "External validation", "Regular independent external security reviews (if internal expertise is inadequate)"},
	{"4.5(2)", "Network and physical validation", "Frequent red-teaming"},
	{"4.5(3)", "Software integrity", "Competitive bug bounty for public-facing endpoints"},
	{"4.5(4)", "Validation of insider mitigations", "Periodic personnel integrity testing"},
	{"4.5(5)", "Reporting security issues", "Secure channels for third parties to report"},
	{"4.5(6)", "Detection", "EDR and/or IDS on all networks and devices"},
	{"4.5(7)", "Response", "A security team monitoring EDR alerts and handling incidents in a timely way"},
}

// ThreatActors are the threat actors a Security Goal must cover at least
// (Measure 6.1).
var ThreatActors = []string{"non-state-external", "insider"}

// ---------------------------------------------------------------- framework

// Framework is safety/framework.yaml: the Safety and Security Framework of
// Commitment 1. It is "confirmed" when it has received the governance
// approvals it requires (Glossary).
type Framework struct {
	Format    int      `json:"gpai"`
	Version   string   `json:"version"`
	Confirmed Date     `json:"confirmed"`              // date of the governance approval of this version
	Approval  string   `json:"confirmed_by,omitempty"` // the body that approved it
	Access    *Date    `json:"ai_office_access,omitempty"`
	Changelog []Change `json:"changelog"`
	// Processes is the high-level description of the implemented and
	// planned processes for systemic-risk assessment and mitigation.
	Processes     string          `json:"processes"`
	TriggerPoints []TriggerPoint  `json:"trigger_points"`
	Risks         []FrameworkRisk `json:"risks"`
	// Acceptance is how the tiers and criteria determine the acceptability
	// of each risk and of the overall risk, with its justification
	// (Measure 4.1).
	Acceptance string `json:"acceptance"`
	// ExternalInput says whether and how input from external actors,
	// governments included, influences proceed decisions (1.1(2)(d)).
	ExternalInput        string           `json:"external_input"`
	Responsibilities     []Responsibility `json:"responsibilities"`
	UpdateProcess        string           `json:"update_process"`
	ReassessmentTriggers []string         `json:"reassessment_triggers"`
	LastAssessment       *Date            `json:"last_assessment,omitempty"` // last Framework assessment (Measure 1.3)
}

// A Change is one entry of a changelog: a version, its date, and how and
// why it changed.
type Change struct {
	Version string `json:"version"`
	Date    Date   `json:"date"`
	Changes string `json:"changes"`
}

// A TriggerPoint is a point in the lifecycle at which lighter-touch
// evaluations run (Measure 1.1(1)), with its justification.
type TriggerPoint struct {
	Name          string `json:"name"`
	Kind          string `json:"kind"` // time, training-compute, development-stage, user-access, inference-compute, affordances, other
	Definition    string `json:"definition"`
	Justification string `json:"justification"`
}

// A FrameworkRisk holds a risk's tiers or other acceptance criteria, its
// safety margin and its timeline forecast.
type FrameworkRisk struct {
	Risk  string `json:"risk"`  // risk id in risks.yaml
	Tiers []Tier `json:"tiers"` // lowest first
	// UnacceptableFrom is the first tier at which the risk is no longer
	// acceptable whatever the mitigations; empty when every tier is
	// acceptable with the mitigations it requires.
	UnacceptableFrom string `json:"unacceptable_from,omitempty"`
	// OtherCriteria are acceptance criteria other than tiers, allowed only
	// for a risk that is not specified, where tiers are unsuitable
	// (Measure 4.1(b)).
	OtherCriteria string   `json:"other_criteria,omitempty"`
	SafetyMargin  string   `json:"safety_margin"`
	Forecast      Forecast `json:"forecast"`
}

// A Tier is a systemic-risk tier, defined by model capabilities and made
// measurable by thresholds on evaluation results. A tier is reached when
// any one of its thresholds is (the precautionary reading).
type Tier struct {
	ID          string      `json:"id"`
	Name        string      `json:"name,omitempty"`
	Criteria    string      `json:"criteria"`
	Thresholds  []Threshold `json:"thresholds"`
	Mitigations []string    `json:"mitigations"` // ids in mitigations.yaml needed once the tier is reached (1.1(2)(b))
}

// A Threshold makes a tier measurable: the tier is reached when the latest
// result of Evaluation (by name) on Metric is at or above Value, or at or
// below it when Direction is "at-most". WarnAt is the early-warning level
// that implements the safety margin: a result past it escalates to the
// full assessment before the tier is reached.
type Threshold struct {
	Evaluation string   `json:"evaluation"`
	Metric     string   `json:"metric"`
	Value      float64  `json:"value"`
	Direction  string   `json:"direction,omitempty"` // at-least (default) or at-most
	WarnAt     *float64 `json:"warn_at,omitempty"`
}

// Reached reports whether v crosses the threshold.
func (t Threshold) Reached(v float64) bool {
	if t.Direction == "at-most" {
		return v <= t.Value
	}
	return v >= t.Value
}

// Warned reports whether v is past the early-warning level.
func (t Threshold) Warned(v float64) bool {
	if t.WarnAt == nil {
		return false
	}
	if t.Direction == "at-most" {
		return v <= *t.WarnAt
	}
	return v >= *t.WarnAt
}

// Forecast is the timeline estimate of Measure 1.1(2)(c): when the provider
// expects to have a model exceeding the highest tier reached so far, how
// it was made, and its assumptions and uncertainties.
type Forecast struct {
	Approach    string `json:"approach"`
	Estimate    string `json:"estimate"`
	Assumptions string `json:"assumptions"`
}

// A Responsibility allocates one of Responsibilities to an organisational
// level and a holder (Measure 8.1).
type Responsibility struct {
	Responsibility string `json:"responsibility"`
	Level          string `json:"level"` // supervisory, executive, operational, internal-assurance, external-assurance
	Holder         string `json:"holder"`
}

// Risk returns the framework entry for the risk id.
func (f *Framework) Risk(id string) (*FrameworkRisk, int) {
	for i := range f.Risks {
		if f.Risks[i].Risk == id {
			return &f.Risks[i], i
		}
	}
	return nil, -1
}

// TierIndex returns the index of tier id in r's tiers: -1 for TierNone and
// -2 when there is no such tier.
func (r *FrameworkRisk) TierIndex(id string) int {
	if id == TierNone {
		return -1
	}
	for i, t := range r.Tiers {
		if t.ID == id {
			return i
		}
	}
	return -2
}

// ---------------------------------------------------------------- risks

// RiskRegister is safety/risks.yaml: the systemic risks identified
// (Commitment 2), their analysis (Commitment 3) and the acceptance
// determination (Commitment 4). The four SpecifiedRisks are always in it.
type RiskRegister struct {
	Format int `json:"gpai"`
	// Identification is the process followed for the Appendix 1.1 risk
	// types (Measure 2.1; Model Report 7.3(1)(a)).
	Identification string `json:"identification"`
	// Assumptions are the uncertainties and assumptions about the model's
	// use and integration (7.3(1)(b)).
	Assumptions string `json:"assumptions"`
	Assessed    Date   `json:"assessed"` // the last full systemic-risk assessment
	Risks       []Risk `json:"risks"`
}

// A Risk is one identified systemic risk.
type Risk struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Types       []string   `json:"types,omitempty"` // RiskTypes
	Description string     `json:"description"`
	Scenarios   []Scenario `json:"scenarios"`
	Sources     []Source   `json:"sources"`
	// ModelIndependent is what model-independent information showed
	// (Measure 3.1).
	ModelIndependent string        `json:"model_independent,omitempty"`
	Modelling        string        `json:"modelling"` // risk-modelling results (Measure 3.3)
	Estimate         Estimate      `json:"estimate"`
	Tier             string        `json:"tier"`     // current tier id, or TierNone
	Evidence         []string      `json:"evidence"` // evaluation ids, or references to other evidence
	Acceptability    Acceptability `json:"acceptability"`
	Mitigations      []string      `json:"mitigations,omitempty"` // mitigation ids in place for this risk
}

// A Scenario is a systemic-risk scenario (Measure 2.2).
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// A Source is a source of the risk in one of SourceCategories.
type Source struct {
	Category string `json:"category"`
	Source   string `json:"source"`
}

// Estimate is the risk estimate of Measure 3.4, with mitigations in place
// and with the model fully elicited (Model Report 7.3(1)(d)).
type Estimate struct {
	Method    string `json:"method"`    // risk score, matrix, distribution...
	Mitigated string `json:"mitigated"` // probability and severity with mitigations
	Elicited  string `json:"elicited"`  // with the model fully elicited, mitigations removed
}

// Acceptability is the determination of Measure 4.1.
type Acceptability struct {
	Acceptable    bool   `json:"acceptable"`
	Determined    Date   `json:"determined"`
	Justification string `json:"justification"`
}

// Risk returns the register's risk with id, and its index.
func (r *RiskRegister) Risk(id string) (*Risk, int) {
	for i := range r.Risks {
		if r.Risks[i].ID == id {
			return &r.Risks[i], i
		}
	}
	return nil, -1
}

// ---------------------------------------------------------------- evaluations

// EvaluationLog is safety/evaluations.yaml: one record per evaluation
// result (Measure 3.2, Appendix 3). Importers of evaluation tools' logs
// (UK AISI Inspect, EleutherAI lm-evaluation-harness) append records.
type EvaluationLog struct {
	Format      int          `json:"gpai"`
	Evaluations []Evaluation `json:"evaluations"`
}

// An Evaluation is one result: one metric of one task run on one model
// checkpoint. Fields, for importers:
//
//   - ID is unique in the file; risks.yaml cites it as evidence. An
//     importer makes it from the task, the checkpoint and the metric.
//   - Name is the task as the tool names it (Inspect's eval.task, the
//     lm-eval task name); framework thresholds refer to results by Name
//     and Metric.
//   - Risk is the id of the risk in risks.yaml the result informs.
//   - Model and Checkpoint identify what was evaluated; Date is the day
//     the run finished.
//   - Samples is the number of samples scored; Scorer the scorer or
//     filter; Metric and Value the result; Stderr its standard error.
//   - Tier and Threshold record the tier threshold the result was
//     compared with when imported, for the record; the framework stays
//     authoritative.
//   - Provenance names the tool, its version, the log file (relative to
//     the dossier, or a URL), the log's SHA-256 and the tool's run id.
//   - RandomSamples or SamplesFile hold at least five random input and
//     output samples (Model Report 7.3(1)(f)); SamplesFile is JSON Lines,
//     one sample a line, relative to the dossier.
type Evaluation struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Risk          string     `json:"risk"`
	Kind          string     `json:"kind,omitempty"` // benchmark, qa, task, red-teaming, open-ended, uplift-study, other
	Model         string     `json:"model"`
	Checkpoint    string     `json:"checkpoint,omitempty"`
	Date          Date       `json:"date"`
	Samples       int        `json:"samples"`
	Scorer        string     `json:"scorer"`
	Metric        string     `json:"metric"`
	Value         float64    `json:"value"`
	Stderr        *float64   `json:"stderr,omitempty"`
	Tier          string     `json:"tier,omitempty"`
	Threshold     *float64   `json:"threshold,omitempty"`
	Elicitation   string     `json:"elicitation,omitempty"`
	HumanBaseline *float64   `json:"human_baseline,omitempty"`
	Evaluator     string     `json:"evaluator,omitempty"`
	External      bool       `json:"external,omitempty"`
	Provenance    Provenance `json:"provenance"`
	RandomSamples []Sample   `json:"random_samples,omitempty"`
	SamplesFile   string     `json:"samples_file,omitempty"`
}

// Provenance says where an evaluation record came from.
type Provenance struct {
	Tool    string `json:"tool"` // inspect_ai, lm-evaluation-harness, manual, or another tool's name
	Version string `json:"version,omitempty"`
	Log     string `json:"log,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	Run     string `json:"run,omitempty"`
	// Details holds the tool's other provenance (task version, git hash,
	// dataset, n-shot...), key to value.
	Details map[string]string `json:"details,omitempty"`
}

// A Sample is one input and output of an evaluation.
type Sample struct {
	ID     string `json:"id,omitempty"`
	Input  string `json:"input"`
	Output string `json:"output"`
	Score  string `json:"score,omitempty"`
}

// Latest returns the most recent result of the task name on metric for the
// risk (the later record in the file wins a tie), or nil.
func (l *EvaluationLog) Latest(risk, name, metric string) *Evaluation {
	var best *Evaluation
	for i := range l.Evaluations {
		e := &l.Evaluations[i]
		if e.Risk != risk || e.Name != name || e.Metric != metric {
			continue
		}
		if best == nil || !e.Date.Before(best.Date.Time) {
			best = e
		}
	}
	return best
}

// Evaluation returns the record with id, and its index.
func (l *EvaluationLog) Evaluation(id string) (*Evaluation, int) {
	for i := range l.Evaluations {
		if l.Evaluations[i].ID == id {
			return &l.Evaluations[i], i
		}
	}
	return nil, -1
}

// ---------------------------------------------------------------- mitigations

// Mitigations is safety/mitigations.yaml: the safety mitigations of
// Commitment 5 and the Security Goal and security mitigations of
// Commitment 6.
type Mitigations struct {
	Format   int                `json:"gpai"`
	Safety   []SafetyMitigation `json:"safety"`
	Security Security           `json:"security"`
}

// A SafetyMitigation is one safety mitigation (Measure 5.1).
type SafetyMitigation struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"` // data-filtering, input-output-filtering, behaviour, staged-access, tools-for-others, quantitative-guarantees, agent-ecosystem, emerging, other
	Description string   `json:"description"`
	Risks       []string `json:"risks"`
	Status      string   `json:"status"` // implemented, planned
	// Robustness is how the mitigation holds under adversarial pressure
	// (fine-tuning attacks, jailbreaking) given the release strategy.
	Robustness  string `json:"robustness"`
	Limitations string `json:"limitations"`
}

// Security is the Security Goal and the security mitigations.
type Security struct {
	// Exempt, when set, states why the model's capabilities are inferior to
	// those of at least one model whose parameters are public, which
	// exempts it from Commitment 6.
	Exempt   string            `json:"exempt,omitempty"`
	Goal     SecurityGoal      `json:"goal"`
	Measures []SecurityMeasure `json:"measures"`
	// Standards states alignment with international standards or guidance,
	// such as the RAND report "Securing AI Model Weights" (7.3(3)).
	Standards string `json:"standards"`
}

// SecurityGoal is the Security Goal of Measure 6.1.
type SecurityGoal struct {
	ThreatActors []string `json:"threat_actors"`
	Description  string   `json:"description"`
}

// A SecurityMeasure is how the provider meets one of SecurityPoints.
type SecurityMeasure struct {
	Ref         string `json:"ref"`    // Appendix 4 point, e.g. 4.2(3)
	Status      string `json:"status"` // implemented, alternative, staged
	Description string `json:"description"`
	// Justification is required for an alternative (Measure 6.2) and for a
	// staged measure, which states when it will be in place.
	Justification string `json:"justification,omitempty"`
}

// Mitigation returns the safety mitigation with id, and its index.
func (m *Mitigations) Mitigation(id string) (*SafetyMitigation, int) {
	for i := range m.Safety {
		if m.Safety[i].ID == id {
			return &m.Safety[i], i
		}
	}
	return nil, -1
}

// ---------------------------------------------------------------- model report inputs

// ModelReportInputs is safety/model-report.yaml: what the Safety and
// Security Model Report (Commitment 7) needs beyond the framework, the
// register, the evaluations and the mitigations.
type ModelReportInputs struct {
	Format    int      `json:"gpai"`
	Version   string   `json:"version"`
	Date      Date     `json:"date"`
	Changelog []Change `json:"changelog"`
	Access    *Date    `json:"ai_office_access,omitempty"` // AI Office given access (Measure 7.7)
	Models    []string `json:"models,omitempty"`           // other models the report covers

	Description   ModelDescription   `json:"description"`
	Use           ModelUse           `json:"use"`
	Versions      []ReportVersion    `json:"versions"`
	Specification ModelSpecification `json:"specification"`
	Proceeding    Proceeding         `json:"proceeding"`
	Evaluators    EvaluatorAccess    `json:"evaluators"`
	SimilarlySafe string             `json:"similarly_safe,omitempty"` // justification when the concept is used (7.3(1)(h))
	Future        FutureDevelopment  `json:"future"`
	External      ExternalReports    `json:"external_reports"`
	Landscape     []string           `json:"landscape"` // material changes to the systemic-risk landscape (7.5)
}

// ModelDescription is Measure 7.1(1).
type ModelDescription struct {
	Architecture string `json:"architecture"`
	Capabilities string `json:"capabilities"`
	Propensities string `json:"propensities"`
	Affordances  string `json:"affordances"`
	Development  string `json:"development"` // training method and data
	Differences  string `json:"differences"` // from the provider's other models
}

// ModelUse is Measure 7.1(2).
type ModelUse struct {
	Current  string `json:"current"`
	Expected string `json:"expected"`
	// Internal is use in developing, overseeing or evaluating models.
	Internal string `json:"internal"`
}

// A ReportVersion is a version made available or used (7.1(3)).
type ReportVersion struct {
	Version     string `json:"version"`
	Mitigations string `json:"mitigations"`
	Risks       string `json:"risks"`
}

// ModelSpecification is the model specification of 7.1(4).
type ModelSpecification struct {
	URL            string `json:"url,omitempty"`
	Principles     string `json:"principles"`
	Prioritisation string `json:"prioritisation"`
	Refusals       string `json:"refusals"`
	SystemPrompt   string `json:"system_prompt"`
}

// Proceeding is Measure 7.2: the reasons for proceeding.
type Proceeding struct {
	Justification string   `json:"justification"`
	SafetyMargins string   `json:"safety_margins"`
	Conditions    []string `json:"failure_conditions"` // when the justification would fail
	Decision      string   `json:"decision"`           // how the decision was made, external input included
}

// EvaluatorAccess is 7.3(1)(g).
type EvaluatorAccess struct {
	Internal string `json:"internal"`
	External string `json:"external"`
}

// FutureDevelopment is 7.3(4), over the next six months.
type FutureDevelopment struct {
	Techniques          string `json:"techniques"`
	ExpectedDifferences string `json:"expected_differences"`
	PlannedMitigations  string `json:"planned_mitigations"`
}

// ExternalReports is Measure 7.4.
type ExternalReports struct {
	Reports []ExternalReport `json:"reports,omitempty"`
	// NoEvaluatorJustification is required when no independent external
	// evaluator was used (Appendix 3.5 point (1) or (2)).
	NoEvaluatorJustification string `json:"no_evaluator_justification,omitempty"`
	// Choice explains the choice of evaluators against the qualification
	// criteria, when they were used.
	Choice string `json:"evaluator_choice,omitempty"`
}

// An ExternalReport is a report of an independent external evaluator or
// security review.
type ExternalReport struct {
	Kind   string `json:"kind"` // evaluation, security-review
	Title  string `json:"title"`
	Author string `json:"author"`
	Date   *Date  `json:"date,omitempty"`
	URL    string `json:"url,omitempty"`
}

// ---------------------------------------------------------------- risk status

// A ThresholdResult compares one tier threshold with its latest evidence.
type ThresholdResult struct {
	Tier      string      `json:"tier"`
	Threshold Threshold   `json:"threshold"`
	Latest    *Evaluation `json:"latest,omitempty"` // nil: no evidence
	Reached   bool        `json:"reached"`
	Warned    bool        `json:"warned"` // past the early-warning level
}

// RiskStatus is where one risk stands: its tier as stated and as the
// evidence shows, whether it is within the acceptance criteria, and what
// the framework demands next.
type RiskStatus struct {
	Risk         string `json:"risk"`
	Name         string `json:"name"`
	Specified    bool   `json:"specified"`
	StatedTier   string `json:"stated_tier"`
	EvidenceTier string `json:"evidence_tier"` // TierNone when no tier is reached
	// Tier is the higher of the two: the tier the framework is applied at.
	Tier       string            `json:"tier"`
	Thresholds []ThresholdResult `json:"thresholds"`
	// Within is nil when it cannot be decided (no framework entry).
	Within             *bool    `json:"within_acceptance"`
	MissingMitigations []string `json:"missing_mitigations,omitempty"`
	TopTierReached     bool     `json:"top_tier_reached"`
	Next               []string `json:"next"`
}

// AssessRisks returns the status of every risk in the register, in its
// order. Any argument but reg may be nil. It is a pure function.
//
// A tier is reached when any one of its thresholds is crossed by the
// latest result (by date) of the named task and metric for the risk. The
// evidence tier is the highest tier reached. The risk is within the
// acceptance criteria when the applied tier is below UnacceptableFrom and
// every mitigation required by the tiers reached is implemented.
func AssessRisks(fw *Framework, reg *RiskRegister, ev *EvaluationLog, mit *Mitigations) []RiskStatus {
	if reg == nil {
		return nil
	}
	if ev == nil {
		ev = &EvaluationLog{}
	}
	var out []RiskStatus
	for _, r := range reg.Risks {
		st := RiskStatus{Risk: r.ID, Name: r.Name, Specified: IsSpecifiedRisk(r.ID), StatedTier: r.Tier, EvidenceTier: TierNone, Tier: r.Tier}
		var fr *FrameworkRisk
		if fw != nil {
			fr, _ = fw.Risk(r.ID)
		}
		if fr == nil {
			st.Next = append(st.Next, "The framework sets no tiers or acceptance criteria for this risk: add them to "+FrameworkFile+" (Measure 4.1).")
			out = append(out, st)
			continue
		}
		if len(fr.Tiers) == 0 {
			st.Next = append(st.Next, "Apply the framework's other acceptance criteria: "+oneLine(fr.OtherCriteria))
			out = append(out, st)
			continue
		}
		evIdx := -1
		nextWarn := []string{}
		missingEvidence := []string{}
		for i, t := range fr.Tiers {
			for _, th := range t.Thresholds {
				res := ThresholdResult{Tier: t.ID, Threshold: th, Latest: ev.Latest(r.ID, th.Evaluation, th.Metric)}
				if res.Latest != nil {
					res.Reached = th.Reached(res.Latest.Value)
					res.Warned = !res.Reached && th.Warned(res.Latest.Value)
				} else {
					missingEvidence = append(missingEvidence, fmt.Sprintf("%s (%s) for tier %s", th.Evaluation, th.Metric, t.ID))
				}
				if res.Reached && i > evIdx {
					evIdx = i
				}
				if res.Warned {
					nextWarn = append(nextWarn, fmt.Sprintf("%s %s = %s is past the early-warning level %s of tier %s's threshold %s",
						th.Evaluation, th.Metric, fmtNum(res.Latest.Value), fmtNum(*th.WarnAt), t.ID, fmtNum(th.Value)))
				}
				st.Thresholds = append(st.Thresholds, res)
			}
		}
		if evIdx >= 0 {
			st.EvidenceTier = fr.Tiers[evIdx].ID
		}
		applied := evIdx
		if si := fr.TierIndex(r.Tier); si > applied {
			applied = si
		}
		if applied >= 0 {
			st.Tier = fr.Tiers[applied].ID
		} else {
			st.Tier = TierNone
		}
		st.TopTierReached = applied == len(fr.Tiers)-1
		implemented := map[string]bool{}
		if mit != nil {
			for _, m := range mit.Safety {
				if m.Status == "implemented" {
					implemented[m.ID] = true
				}
			}
		}
		for i := 0; i <= applied; i++ {
			for _, m := range fr.Tiers[i].Mitigations {
				if !implemented[m] {
					st.MissingMitigations = append(st.MissingMitigations, m)
				}
			}
		}
		within := len(st.MissingMitigations) == 0
		if u := fr.TierIndex(fr.UnacceptableFrom); fr.UnacceptableFrom != "" && u >= 0 && applied >= u {
			within = false
		}
		st.Within = &within
		switch {
		case !within:
			st.Next = append(st.Next, "Not within the acceptance criteria: do not proceed with development, making available or use (Measure 4.2); restrict, withdraw or mitigate, then repeat identification, analysis and the acceptance determination.")
		case r.Tier != st.Tier:
			st.Next = append(st.Next, fmt.Sprintf("The evidence shows tier %s but the register states %s: update the register and redo the acceptance determination (Measure 4.1).", st.Tier, r.Tier))
		}
		if len(st.MissingMitigations) > 0 {
			st.Next = append(st.Next, "Implement the mitigations the tiers reached require: "+strings.Join(st.MissingMitigations, ", ")+" (Measure 1.1(2)(b)).")
		}
		if st.TopTierReached {
			st.Next = append(st.Next, "The model has reached the highest tier: define a higher tier it has not reached (Measure 4.1(a)).")
		} else {
			nt := fr.Tiers[applied+1]
			if len(nextWarn) > 0 {
				st.Next = append(st.Next, "Within the safety margin: "+strings.Join(nextWarn, "; ")+". Escalate to the full systemic-risk assessment (Measure 1.2) and prepare the mitigations of tier "+nt.ID+": "+orNoneList(nt.Mitigations)+".")
			} else {
				st.Next = append(st.Next, fmt.Sprintf("Next tier %s: %s Continue lighter-touch evaluations at the framework's trigger points; forecast: %s", nt.ID, strings.TrimSuffix(oneLine(nt.Criteria), ".")+".", oneLine(fr.Forecast.Estimate)))
			}
		}
		if len(missingEvidence) > 0 {
			st.Next = append(st.Next, "No evaluation evidence yet for: "+strings.Join(missingEvidence, "; ")+".")
		}
		out = append(out, st)
	}
	return out
}

func orNoneList(l []string) string {
	if len(l) == 0 {
		return "none listed"
	}
	return strings.Join(l, ", ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func fmtNum(v float64) string { return fmt.Sprintf("%g", v) }

// ---------------------------------------------------------------- incidents

// Serious-incident types (Measure 9.3), each with its deadline for the
// initial report.
const (
	IncidentCriticalInfrastructure = "critical-infrastructure" // serious and irreversible disruption of critical infrastructure: 2 days
	IncidentCybersecurity          = "cybersecurity"           // serious cybersecurity breach, (self-)exfiltration of weights, cyberattack: 5 days
	IncidentDeath                  = "death"                   // death of a person: 10 days
	IncidentHarm                   = "harm"                    // serious harm to health, fundamental rights, property or the environment: 15 days
)

// IncidentTypes lists the types, strictest first.
var IncidentTypes = []string{IncidentCriticalInfrastructure, IncidentCybersecurity, IncidentDeath, IncidentHarm}

// InitialReportDays gives, per type, the calendar days from awareness by
// which the initial report is due (Measure 9.3).
var InitialReportDays = map[string]int{
	IncidentCriticalInfrastructure: 2,
	IncidentCybersecurity:          5,
	IncidentDeath:                  10,
	IncidentHarm:                   15,
}

// The other incident clocks (Measures 9.3 and 9.4).
const (
	IntermediateReportDays = 28 // at least every 4 weeks while unresolved
	FinalReportDays        = 60 // within 60 days of resolution
	RetentionYears         = 5  // from the later of documentation and incident
	IncidentDueSoonDays    = 7  // a pending report due within this many days is due soon
)

// IncidentLog is safety/incidents.yaml: the serious incidents tracked and
// reported (Commitment 9).
type IncidentLog struct {
	Format    int        `json:"gpai"`
	Incidents []Incident `json:"incidents"`
}

// Incident returns the incident with id, and its index.
func (l *IncidentLog) Incident(id string) (*Incident, int) {
	for i := range l.Incidents {
		if l.Incidents[i].ID == id {
			return &l.Incidents[i], i
		}
	}
	return nil, -1
}

// An Incident is a serious incident with the information of Measure 9.2
// (fields 1-9), the reports sent and its reclassifications.
type Incident struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Type  string `json:"type"` // one of IncidentTypes: the current classification
	// Aware is when the provider became aware of its model's involvement:
	// the clock of the initial report starts then.
	Aware Moment `json:"aware"`
	// Submitter is who reports: provider, authorised-representative or
	// other (field 10 of the Commission's template).
	Submitter string `json:"submitter,omitempty"`

	Started            *Date  `json:"started,omitempty"`             // 1: start (or best approximation)
	Ended              *Date  `json:"ended,omitempty"`               // 1: end
	Harm               string `json:"harm,omitempty"`                // 2: resulting harm
	Affected           string `json:"affected,omitempty"`            // 2: victim or affected group
	ChainOfEvents      string `json:"chain_of_events,omitempty"`     // 3
	Model              string `json:"model,omitempty"`               // 4: model (and version) involved
	Involvement        string `json:"involvement,omitempty"`         // 5: material available on the model's involvement
	Response           string `json:"response,omitempty"`            // 6: what the provider intends to do or has done
	Recommendations    string `json:"recommendations,omitempty"`     // 7: to the AI Office and national authorities
	RootCause          string `json:"root_cause,omitempty"`          // 8: outputs, contributing factors, inputs, mitigation failures
	MonitoringPatterns string `json:"monitoring_patterns,omitempty"` // 9: post-market monitoring patterns, near misses

	Reports           []IncidentReport   `json:"reports,omitempty"`
	Resolved          *Date              `json:"resolved,omitempty"` // corrective measures adopted (Glossary "resolved")
	Reclassifications []Reclassification `json:"reclassifications,omitempty"`
	Updated           *Date              `json:"updated,omitempty"` // last day the documentation changed
	Related           []string           `json:"related,omitempty"` // similar incidents aggregated into this one's reports
}

// An IncidentReport is a report sent.
type IncidentReport struct {
	Stage     string   `json:"stage"` // initial, intermediate, final
	Sent      Moment   `json:"sent"`
	To        []string `json:"to"` // ai-office, and national authorities as nca-XX
	Reference string   `json:"reference,omitempty"`
}

// A Reclassification records a change of the incident's type.
type Reclassification struct {
	Date   Date   `json:"date"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Report stages.
const (
	StageInitial      = "initial"
	StageIntermediate = "intermediate"
	StageFinal        = "final"
)

// IncidentField is one of the nine fields of Measure 9.2.
type IncidentField struct {
	N     int    `json:"n"`
	Key   string `json:"key"` // the YAML key(s)
	Label string `json:"label"`
	Value string `json:"value"`
}

// Fields returns the Measure 9.2 fields 1-9 as text, empty when unknown.
func (inc *Incident) Fields() []IncidentField {
	dates := ""
	if inc.Started != nil {
		dates = "Started " + inc.Started.String()
		if inc.Ended != nil {
			dates += ", ended " + inc.Ended.String()
		} else {
			dates += ", ongoing or end not known"
		}
	}
	harm := inc.Harm
	if inc.Affected != "" {
		if harm != "" {
			harm += " "
		}
		harm += "Affected: " + inc.Affected
	}
	return []IncidentField{
		{1, "started", "Start and end dates (or best approximations)", dates},
		{2, "harm", "Resulting harm and victim or affected group", harm},
		{3, "chain_of_events", "Chain of events leading to the incident", inc.ChainOfEvents},
		{4, "model", "Model involved", inc.Model},
		{5, "involvement", "Material available on the model's involvement", inc.Involvement},
		{6, "response", "What the provider intends to do or has done in response", inc.Response},
		{7, "recommendations", "Recommendations to the AI Office and national competent authorities", inc.Recommendations},
		{8, "root_cause", "Root-cause analysis: outputs, contributing factors, inputs, failures or circumventions of mitigations", inc.RootCause},
		{9, "monitoring_patterns", "Post-market monitoring patterns reasonably connected to the incident", inc.MonitoringPatterns},
	}
}

// StageFields is how many of the fields a report of the stage contains:
// the initial report fields 1-7, later reports all nine (Measure 9.3).
func StageFields(stage string) int {
	if stage == StageInitial {
		return 7
	}
	return 9
}

// A Moment is a point in time as written in a dossier: RFC 3339 with its
// UTC offset ("2026-03-06T23:59:00+01:00"), or a day alone ("2026-03-06")
// when the time of day is not recorded.
type Moment struct {
	Time  time.Time
	Clock bool // the time of day is known
}

// ParseMoment parses an RFC 3339 time with offset, or a YYYY-MM-DD day.
func ParseMoment(s string) (Moment, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Moment{t, true}, nil
	}
	if t, err := time.Parse("2006-01-02T15:04Z07:00", s); err == nil {
		return Moment{t, true}, nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return Moment{}, fmt.Errorf("%q is neither a time such as 2026-03-06T23:59:00+01:00 nor a day YYYY-MM-DD", s)
	}
	return Moment{d.Time, false}, nil
}

// Day returns the calendar day of the moment as written, in its own UTC
// offset: 2026-03-06T23:59:00+01:00 is on 6 March although it is 22:59 UTC.
func (m Moment) Day() Date {
	y, mo, d := m.Time.Date()
	return NewDate(y, mo, d)
}

// DayIn returns the calendar day of the moment in the UTC offset of ref
// when both carry a time of day, and its day as written otherwise.
func (m Moment) DayIn(ref Moment) Date {
	if m.Clock && ref.Clock {
		y, mo, d := m.Time.In(ref.Time.Location()).Date()
		return NewDate(y, mo, d)
	}
	return m.Day()
}

// IsZero reports whether the moment is unset.
func (m Moment) IsZero() bool { return m.Time.IsZero() }

func (m Moment) String() string {
	if m.IsZero() {
		return ""
	}
	if m.Clock {
		return m.Time.Format(time.RFC3339Nano)
	}
	return m.Day().String()
}

// MarshalJSON writes the moment as it was written.
func (m Moment) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// UnmarshalJSON reads an RFC 3339 time with offset or a day.
func (m *Moment) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseMoment(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// AddDays returns the day n calendar days after d.
func (d Date) AddDays(n int) Date { return Date{d.AddDate(0, 0, n)} }

// AddBusinessDays returns the day n business days after d, counting Monday
// to Friday and no public holidays.
func AddBusinessDays(d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// Clock statuses of an incident report.
const (
	ClockSent     = "sent"      // sent on time
	ClockLate     = "late"      // sent after its deadline
	ClockOverdue  = "overdue"   // not sent and its deadline has passed
	ClockDueToday = "due-today" // not sent, due by the end of today
	ClockDueSoon  = "due-soon"  // not sent, due within IncidentDueSoonDays
	ClockUpcoming = "upcoming"  // not sent, due later
	ClockMissed   = "missed"    // an intermediate report not sent before the incident was resolved
)

// A ReportClock is one report an incident requires, with its deadline.
type ReportClock struct {
	Stage string `json:"stage"`
	// Due is the last day on which the report is on time: it is due by the
	// end of that day, in the UTC offset of the awareness time.
	Due    Date   `json:"due"`
	Basis  string `json:"basis"` // how Due was computed
	Sent   *Date  `json:"sent,omitempty"`
	Status string `json:"status"`
	Days   int    `json:"days"` // from the as-of day to Due; negative when past
}

// Pending reports whether the report is still to be sent.
func (c ReportClock) Pending() bool {
	return c.Status == ClockOverdue || c.Status == ClockDueToday || c.Status == ClockDueSoon || c.Status == ClockUpcoming
}

// InitialType returns the type whose deadline governs the initial report:
// the strictest the incident has held, its current type and every type
// before and after a reclassification included. A reclassification to a
// stricter type therefore brings the deadline forward, counted from the
// original awareness; one to a less strict type never extends it.
func (inc *Incident) InitialType() string {
	best := inc.Type
	consider := func(t string) {
		if d, ok := InitialReportDays[t]; ok {
			if bd, ok := InitialReportDays[best]; !ok || d < bd {
				best = t
			}
		}
	}
	for _, r := range inc.Reclassifications {
		consider(r.From)
		consider(r.To)
	}
	return best
}

// Clocks returns the reports the incident requires as of the day asOf, in
// order, sent or pending. The rules, all in calendar days:
//
// Days. The day of awareness is the calendar date of Aware in the UTC
// offset it is written with (a bare day is that day); it is day 0. A
// deadline of N days is the end of day N, that is of Aware's date plus N
// days in the same offset: awareness at 23:59 on Friday 6 March with a
// 2-day type is due by the end of Sunday 8 March. A report is on time when
// it is sent on or before that day (a sent time with offset is converted
// to the awareness offset first). The as-of day is compared with the due
// day as a calendar day.
//
// Initial. Due InitialReportDays[InitialType()] days after awareness. The
// first report of stage initial satisfies it; an incident resolved before
// any initial report may satisfy it with a final report, which carries all
// the fields.
//
// Intermediate. While the incident is unresolved, a report is due 28 days
// after the previous initial or intermediate report was sent. A report
// falling due on or after the day of resolution is not required: the
// final report follows. One that fell due before resolution and was never
// sent is missed.
//
// Final. Due 60 days after the day of resolution.
func (inc *Incident) Clocks(asOf Date) []ReportClock {
	var out []ReportClock
	if inc.Aware.IsZero() {
		return nil
	}
	aware := inc.Aware.Day()
	status := func(c *ReportClock) {
		c.Days = int(c.Due.Sub(asOf.Time).Hours() / 24)
		switch {
		case c.Sent != nil && c.Sent.Time.After(c.Due.Time):
			c.Status = ClockLate
		case c.Sent != nil:
			c.Status = ClockSent
		case asOf.Time.After(c.Due.Time):
			c.Status = ClockOverdue
		case asOf.Equal(c.Due.Time):
			c.Status = ClockDueToday
		case c.Days <= IncidentDueSoonDays:
			c.Status = ClockDueSoon
		default:
			c.Status = ClockUpcoming
		}
	}
	reports := append([]IncidentReport(nil), inc.Reports...)
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].Sent.Time.Before(reports[j].Sent.Time) })
	sentDay := func(r IncidentReport) *Date {
		d := r.Sent.DayIn(inc.Aware)
		return &d
	}

	// Initial.
	t := inc.InitialType()
	n := InitialReportDays[t]
	basis := fmt.Sprintf("%d days from awareness on %s (%s)", n, aware, t)
	if t != inc.Type {
		basis += fmt.Sprintf("; the incident was classified %s, the strictest deadline stands", t)
	}
	initial := ReportClock{Stage: StageInitial, Due: aware.AddDays(n), Basis: basis}
	var initialSent *Date
	viaFinal := false
	for _, r := range reports {
		if r.Stage == StageInitial {
			initialSent = sentDay(r)
			break
		}
	}
	if initialSent == nil && inc.Resolved != nil {
		for _, r := range reports {
			if r.Stage == StageFinal {
				initialSent, viaFinal = sentDay(r), true
				initial.Basis += "; satisfied by the final report, the incident having been resolved first"
				break
			}
		}
	}
	initial.Sent = initialSent
	status(&initial)
	out = append(out, initial)

	// Intermediate reports, while unresolved.
	if initialSent != nil && !viaFinal {
		prev := *initialSent
		for _, r := range reports {
			if r.Stage != StageIntermediate {
				continue
			}
			c := ReportClock{Stage: StageIntermediate, Due: prev.AddDays(IntermediateReportDays), Basis: fmt.Sprintf("4 weeks after the report of %s", prev), Sent: sentDay(r)}
			status(&c)
			out = append(out, c)
			prev = *c.Sent
		}
		for i := 0; i < 1000; i++ {
			due := prev.AddDays(IntermediateReportDays)
			if inc.Resolved != nil && !due.Before(inc.Resolved.Time) {
				break // resolved on or before the due day: the final report follows
			}
			c := ReportClock{Stage: StageIntermediate, Due: due, Basis: fmt.Sprintf("4 weeks after the report of %s, while unresolved", prev)}
			if inc.Resolved != nil {
				c.Status, c.Days = ClockMissed, int(due.Sub(asOf.Time).Hours()/24)
				c.Basis += fmt.Sprintf("; not sent before resolution on %s", inc.Resolved)
				out = append(out, c)
				prev = due
				continue
			}
			status(&c)
			out = append(out, c)
			break
		}
	}

	// Final.
	if inc.Resolved != nil {
		c := ReportClock{Stage: StageFinal, Due: inc.Resolved.AddDays(FinalReportDays), Basis: fmt.Sprintf("60 days after resolution on %s", inc.Resolved)}
		for _, r := range reports {
			if r.Stage == StageFinal {
				c.Sent = sentDay(r)
				break
			}
		}
		status(&c)
		out = append(out, c)
	}
	return out
}

// Next returns the first pending report clock, if any.
func (inc *Incident) Next(asOf Date) (ReportClock, bool) {
	for _, c := range inc.Clocks(asOf) {
		if c.Pending() {
			return c, true
		}
	}
	return ReportClock{}, false
}

// RetainUntil returns the first day the incident's documentation may be
// discarded: RetentionYears after the later of the documentation's date
// (the last report sent, the resolution or the last update) and the
// incident's date (its end, else its start, else the awareness day).
func (inc *Incident) RetainUntil() Date {
	incident := inc.Aware.Day()
	if inc.Started != nil {
		incident = *inc.Started
	}
	if inc.Ended != nil {
		incident = *inc.Ended
	}
	doc := inc.Aware.Day()
	later := func(d Date) {
		if d.Time.After(doc.Time) {
			doc = d
		}
	}
	for _, r := range inc.Reports {
		later(r.Sent.DayIn(inc.Aware))
	}
	if inc.Resolved != nil {
		later(*inc.Resolved)
	}
	if inc.Updated != nil {
		later(*inc.Updated)
	}
	base := doc
	if incident.Time.After(base.Time) {
		base = incident
	}
	return Date{base.AddDate(RetentionYears, 0, 0)}
}

// IncidentRule returns the rulebook id of the initial-report obligation
// for an incident type.
func IncidentRule(typ string) string {
	switch typ {
	case IncidentCriticalInfrastructure:
		return "SS-INCIDENT-CRITICAL-INFRASTRUCTURE"
	case IncidentCybersecurity:
		return "SS-INCIDENT-CYBERSECURITY"
	case IncidentDeath:
		return "SS-INCIDENT-DEATH"
	}
	return "SS-INCIDENT-HARM"
}
