// Package modelcard reads and writes Hugging Face model cards: the
// README.md of a model repository, YAML front matter (the metadata
// specified in huggingface/hub-docs modelcard.md) followed by Markdown
// sections (the huggingface_hub model card template).
//
// Parse reads a card leniently: a card without front matter, with unknown
// keys or with values of an unexpected type still parses, and what was
// skipped is reported in Card.Warnings. Only input that cannot be a card
// (binary data, an unclosed or malformed front matter, more than MaxSize
// bytes) fails, with a *SyntaxError that gives the line.
//
// ToDocumentation prefills the Model Documentation Form of the Code of
// Practice from a card and says what it could not map; FromDocumentation
// writes a card holding exactly the form's items ticked for one recipient.
// MAPPING.md documents both directions field by field.
package modelcard

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/yamldoc"
)

// MaxSize is the largest card Parse reads, in bytes. Model cards are
// documents of a few kilobytes; the largest on the Hub are well under 1 MiB.
const MaxSize = 4 << 20

// A SyntaxError is input that cannot be read as a model card.
type SyntaxError struct {
	Line    int // 1-based; 0 when the whole input is at fault
	Column  int // 1-based; 0 when unknown
	Message string
}

func (e *SyntaxError) Error() string {
	switch {
	case e.Line == 0:
		return "modelcard: " + e.Message
	case e.Column == 0:
		return fmt.Sprintf("modelcard: line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("modelcard: line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// A Card is a parsed model card.
type Card struct {
	Metadata Metadata
	// Title is the text of the first level-1 heading ("Model Card for X").
	Title string
	// Sections are the card's headings in order, each with the text up to
	// the next heading of any level.
	Sections []Section
	// Warnings name what Parse skipped: values of an unexpected type.
	Warnings []string
	norms    []string // the sections' normalised titles
}

// Metadata is the card's YAML front matter. Keys that gpai does not read
// stay in Extra.
type Metadata struct {
	Language          []string       `json:"language,omitempty"`
	License           string         `json:"license,omitempty"`
	LicenseName       string         `json:"license_name,omitempty"`
	LicenseLink       string         `json:"license_link,omitempty"`
	LibraryName       string         `json:"library_name,omitempty"`
	Tags              []string       `json:"tags,omitempty"`
	Datasets          []string       `json:"datasets,omitempty"`
	Metrics           []string       `json:"metrics,omitempty"`
	BaseModel         []string       `json:"base_model,omitempty"`
	BaseModelRelation string         `json:"base_model_relation,omitempty"`
	PipelineTag       string         `json:"pipeline_tag,omitempty"`
	Thumbnail         string         `json:"thumbnail,omitempty"`
	NewVersion        string         `json:"new_version,omitempty"`
	ModelName         string         `json:"model_name,omitempty"`
	CO2               *CO2Emissions  `json:"co2_eq_emissions,omitempty"`
	ModelIndex        []ModelIndex   `json:"model-index,omitempty"`
	Extra             map[string]any `json:"-"`
	// Keys lists the front matter's keys in the order written.
	Keys []string `json:"-"`
}

// CO2Emissions is the co2_eq_emissions metadata: emissions in grams of
// CO2 equivalent and how they were obtained.
type CO2Emissions struct {
	Emissions            float64 `json:"emissions"`
	Source               string  `json:"source,omitempty"`
	TrainingType         string  `json:"training_type,omitempty"`
	GeographicalLocation string  `json:"geographical_location,omitempty"`
	HardwareUsed         string  `json:"hardware_used,omitempty"`
}

// ModelIndex is one entry of model-index: a model and its evaluation
// results.
type ModelIndex struct {
	Name    string       `json:"name"`
	Results []EvalResult `json:"results,omitempty"`
}

// EvalResult is one evaluation: a task on a dataset with its metrics.
type EvalResult struct {
	Task    EvalTask     `json:"task"`
	Dataset EvalDataset  `json:"dataset"`
	Metrics []EvalMetric `json:"metrics,omitempty"`
	Source  *EvalSource  `json:"source,omitempty"`
}

// EvalTask identifies an evaluation task.
type EvalTask struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// EvalDataset identifies an evaluation dataset.
type EvalDataset struct {
	Type     string `json:"type"`
	Name     string `json:"name,omitempty"`
	Config   string `json:"config,omitempty"`
	Split    string `json:"split,omitempty"`
	Revision string `json:"revision,omitempty"`
}

// EvalMetric is one metric's value; Value keeps the literal as written.
type EvalMetric struct {
	Type     string `json:"type"`
	Value    string `json:"value"`
	Name     string `json:"name,omitempty"`
	Config   string `json:"config,omitempty"`
	Verified bool   `json:"verified,omitempty"`
}

// EvalSource says where a result comes from.
type EvalSource struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url"`
}

// A Section is a heading and the Markdown that follows it up to the next
// heading.
type Section struct {
	Level int    // 1 to 6
	Title string // the heading's text, as written
	Body  string // the Markdown below the heading, up to the next heading
	Line  int    // line of the heading in the card
}

// Parse reads a model card from r, reading at most MaxSize bytes. It never
// panics; errors are *SyntaxError.
func Parse(r io.Reader) (*Card, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("modelcard: read: %w", err)
	}
	if len(data) > MaxSize {
		return nil, &SyntaxError{Message: fmt.Sprintf("card is larger than %d bytes", MaxSize)}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &SyntaxError{Line: bytes.Count(data[:i], []byte("\n")) + 1, Message: "card contains a NUL byte: it is binary, not Markdown"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		// Lenient, as the Hub is: replace what is not UTF-8.
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	c := &Card{}
	body, bodyLine, err := c.frontMatter(text)
	if err != nil {
		return nil, err
	}
	c.sections(body, bodyLine)
	return c, nil
}

// frontMatter parses the YAML between a first line "---" and the next
// line "---" (or "..."), and returns the rest of the card with the line
// it starts on.
func (c *Card) frontMatter(text string) (string, int, error) {
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimRight(first, " \t") != "---" {
		return text, 1, nil
	}
	lines := strings.Split(rest, "\n")
	end := -1
	for i, l := range lines {
		if t := strings.TrimRight(l, " \t"); t == "---" || t == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return "", 0, &SyntaxError{Line: 1, Message: "the front matter opened by --- on line 1 is never closed by a line ---"}
	}
	yml := strings.Join(lines[:end], "\n")
	body := strings.Join(lines[end+1:], "\n")
	bodyLine := end + 3
	if strings.TrimSpace(stripYAMLComments(yml)) == "" {
		return body, bodyLine, nil
	}
	doc, err := yamldoc.Parse("front matter", []byte(yml))
	if err != nil {
		return "", 0, yamlError(err)
	}
	m, ok := doc.Value.(map[string]any)
	if !ok {
		return "", 0, &SyntaxError{Line: 2, Column: 1, Message: "the front matter is not a mapping of keys to values"}
	}
	c.metadata(m, keyOrder(yml))
	return body, bodyLine, nil
}

func stripYAMLComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			b.WriteString(t)
		}
	}
	return b.String()
}

// yamlError turns yamldoc's problems into a SyntaxError with the card's
// line numbers (the front matter starts on line 2).
func yamlError(err error) error {
	var probs gpai.Problems
	if pe, ok := err.(gpai.Problems); ok {
		probs = pe
	}
	if len(probs) == 0 {
		return &SyntaxError{Line: 2, Message: "invalid YAML front matter: " + err.Error()}
	}
	p := probs[0]
	e := &SyntaxError{Column: p.Pos.Column, Message: "invalid YAML front matter: " + p.Message}
	if p.Field != "" {
		e.Message = "invalid YAML front matter: " + p.Field + ": " + p.Message
	}
	if p.Pos.Line > 0 {
		e.Line = p.Pos.Line + 1
	} else {
		e.Line = 2
	}
	return e
}

var topKeyRE = regexp.MustCompile(`^([A-Za-z0-9_.-]+)\s*:`)

// keyOrder returns the top-level keys in the order written.
func keyOrder(yml string) []string {
	var out []string
	for _, l := range strings.Split(yml, "\n") {
		if m := topKeyRE.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// metadata reads the keys gpai understands, leniently: a string where a
// list is expected is a list of one, and a value of another type is
// skipped with a warning.
func (c *Card) metadata(m map[string]any, order []string) {
	md := &c.Metadata
	md.Extra = map[string]any{}
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := m[k]; ok && !seen[k] {
			seen[k] = true
			md.Keys = append(md.Keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	md.Keys = append(md.Keys, rest...)
	for _, k := range md.Keys {
		v := m[k]
		switch k {
		case "language":
			md.Language = c.list(k, v)
		case "license":
			if l := c.list(k, v); len(l) > 0 {
				md.License = l[0]
				if len(l) > 1 {
					c.warn("license: several licences are given (%s); only %s is read", strings.Join(l, ", "), l[0])
				}
			}
		case "license_name":
			md.LicenseName = c.str(k, v)
		case "license_link":
			md.LicenseLink = c.str(k, v)
		case "library_name":
			md.LibraryName = c.str(k, v)
		case "tags":
			md.Tags = c.list(k, v)
		case "datasets":
			md.Datasets = c.list(k, v)
		case "metrics":
			md.Metrics = c.list(k, v)
		case "base_model":
			md.BaseModel = c.list(k, v)
		case "base_model_relation":
			md.BaseModelRelation = c.str(k, v)
		case "pipeline_tag":
			md.PipelineTag = c.str(k, v)
		case "thumbnail":
			md.Thumbnail = c.str(k, v)
		case "new_version":
			md.NewVersion = c.str(k, v)
		case "model_name":
			md.ModelName = c.str(k, v)
		case "co2_eq_emissions":
			md.CO2 = c.co2(v)
		case "model-index":
			md.ModelIndex = c.modelIndex(v)
		default:
			md.Extra[k] = v
		}
	}
}

func (c *Card) warn(format string, args ...any) {
	c.Warnings = append(c.Warnings, fmt.Sprintf(format, args...))
}

func (c *Card) str(key string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	c.warn("%s: expected a string, got %s; skipped", key, kind(v))
	return ""
}

func (c *Card) list(key string, v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for i, x := range v {
			if s := c.str(fmt.Sprintf("%s[%d]", key, i), x); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	if s := c.str(key, v); s != "" {
		return []string{s}
	}
	return nil
}

func kind(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

func (c *Card) co2(v any) *CO2Emissions {
	if f, ok := number(v); ok {
		// The older form: co2_eq_emissions is the number of grams itself.
		return &CO2Emissions{Emissions: f}
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.warn("co2_eq_emissions: expected a mapping, got %s; skipped", kind(v))
		return nil
	}
	e := &CO2Emissions{
		Source:               c.str("co2_eq_emissions.source", m["source"]),
		TrainingType:         c.str("co2_eq_emissions.training_type", m["training_type"]),
		GeographicalLocation: c.str("co2_eq_emissions.geographical_location", m["geographical_location"]),
		HardwareUsed:         c.str("co2_eq_emissions.hardware_used", m["hardware_used"]),
	}
	if f, ok := number(m["emissions"]); ok {
		e.Emissions = f
	} else if m["emissions"] != nil {
		c.warn("co2_eq_emissions.emissions: expected a number of grams, got %s; skipped", kind(m["emissions"]))
	}
	return e
}

func (c *Card) modelIndex(v any) []ModelIndex {
	l, ok := v.([]any)
	if !ok {
		c.warn("model-index: expected a list, got %s; skipped", kind(v))
		return nil
	}
	var out []ModelIndex
	for i, x := range l {
		m, ok := x.(map[string]any)
		if !ok {
			c.warn("model-index[%d]: expected a mapping, got %s; skipped", i, kind(x))
			continue
		}
		mi := ModelIndex{Name: c.str(fmt.Sprintf("model-index[%d].name", i), m["name"])}
		results, _ := m["results"].([]any)
		for j, r := range results {
			rm, ok := r.(map[string]any)
			if !ok {
				c.warn("model-index[%d].results[%d]: expected a mapping; skipped", i, j)
				continue
			}
			at := fmt.Sprintf("model-index[%d].results[%d]", i, j)
			sub := func(k string) map[string]any { s, _ := rm[k].(map[string]any); return s }
			var res EvalResult
			if t := sub("task"); t != nil {
				res.Task = EvalTask{Type: c.str(at+".task.type", t["type"]), Name: c.str(at+".task.name", t["name"])}
			}
			if d := sub("dataset"); d != nil {
				res.Dataset = EvalDataset{Type: c.str(at+".dataset.type", d["type"]), Name: c.str(at+".dataset.name", d["name"]),
					Config: c.str(at+".dataset.config", d["config"]), Split: c.str(at+".dataset.split", d["split"]), Revision: c.str(at+".dataset.revision", d["revision"])}
			}
			if s := sub("source"); s != nil {
				res.Source = &EvalSource{Name: c.str(at+".source.name", s["name"]), URL: c.str(at+".source.url", s["url"])}
			}
			metrics, _ := rm["metrics"].([]any)
			for k, mx := range metrics {
				mm, ok := mx.(map[string]any)
				if !ok {
					continue
				}
				mat := fmt.Sprintf("%s.metrics[%d]", at, k)
				em := EvalMetric{Type: c.str(mat+".type", mm["type"]), Name: c.str(mat+".name", mm["name"]), Config: c.str(mat+".config", mm["config"])}
				switch val := mm["value"].(type) {
				case json.Number:
					em.Value = val.String()
				case string:
					em.Value = val
				case nil:
				default:
					c.warn("%s.value: expected a number, got %s; skipped", mat, kind(val))
				}
				em.Verified, _ = mm["verified"].(bool)
				res.Metrics = append(res.Metrics, em)
			}
			mi.Results = append(mi.Results, res)
		}
		out = append(out, mi)
	}
	return out
}

var (
	atxRE    = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$`)
	closeRE  = regexp.MustCompile(`[ \t]+#+$`)
	fenceRE  = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	setextRE = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
)

// sections splits the Markdown body at its headings (ATX "## x", and
// setext underlines), ignoring lines inside fenced code blocks.
func (c *Card) sections(body string, firstLine int) {
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 0, 64*1024), MaxSize+1)
	var (
		cur   *Section
		text  []string
		fence string
		line  = firstLine - 1
		prev  string // previous line, when it may become a setext heading
	)
	flush := func() {
		b := strings.Trim(strings.Join(text, "\n"), "\n")
		if cur != nil {
			cur.Body = b
			c.Sections = append(c.Sections, *cur)
		}
		text = nil
	}
	for sc.Scan() {
		line++
		l := sc.Text()
		if fence != "" {
			if strings.HasPrefix(strings.TrimLeft(l, " "), fence) {
				fence = ""
			}
			text = append(text, l)
			prev = ""
			continue
		}
		if m := fenceRE.FindStringSubmatch(l); m != nil {
			fence = m[1][:3]
			text = append(text, l)
			prev = ""
			continue
		}
		if m := atxRE.FindStringSubmatch(l); m != nil {
			flush()
			title := strings.TrimSpace(closeRE.ReplaceAllString(m[2], ""))
			if title == "#" || strings.Trim(title, "#") == "" {
				title = ""
			}
			cur = &Section{Level: len(m[1]), Title: title, Line: line}
			prev = ""
			continue
		}
		if m := setextRE.FindStringSubmatch(l); m != nil && prev != "" && len(text) > 0 {
			// The previous line is the heading's text.
			text = text[:len(text)-1]
			flush()
			level := 1
			if m[1][0] == '-' {
				level = 2
			}
			cur = &Section{Level: level, Title: strings.TrimSpace(prev), Line: line - 1}
			prev = ""
			continue
		}
		text = append(text, l)
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "|") && !strings.HasPrefix(t, "<") && !listRE.MatchString(l) && !strings.HasPrefix(l, "    ") {
			prev = l
		} else {
			prev = ""
		}
	}
	if sc.Err() != nil {
		// A line longer than the buffer: keep what was read.
		text = append(text, "")
	}
	flush()
	for _, s := range c.Sections {
		c.norms = append(c.norms, normTitle(s.Title))
	}
	for _, s := range c.Sections {
		if s.Level == 1 && s.Title != "" {
			c.Title = s.Title
			break
		}
	}
}

var listRE = regexp.MustCompile(`^\s*([-*+]|\d+[.)])\s`)

// Find returns the first section whose title, normalised (case, "[optional]",
// punctuation), is one of titles; nil if none.
func (c *Card) Find(titles ...string) *Section {
	if len(c.norms) != len(c.Sections) {
		c.norms = c.norms[:0]
		for _, s := range c.Sections {
			c.norms = append(c.norms, normTitle(s.Title))
		}
	}
	for _, t := range titles {
		want := normTitle(t)
		for i, n := range c.norms {
			if n == want {
				return &c.Sections[i]
			}
		}
	}
	return nil
}

// Subtree returns the body of the section at index i and of every
// section nested under it, with their headings.
func (c *Card) Subtree(s *Section) string {
	i := c.index(s)
	if i < 0 {
		return ""
	}
	parts := []string{s.Body}
	for _, sub := range c.Sections[i+1:] {
		if sub.Level <= s.Level {
			break
		}
		parts = append(parts, strings.Repeat("#", sub.Level)+" "+sub.Title, sub.Body)
	}
	return strings.TrimSpace(strings.Join(parts, "\n\n"))
}

func (c *Card) index(s *Section) int {
	for i := range c.Sections {
		if &c.Sections[i] == s {
			return i
		}
	}
	return -1
}

var (
	optionalRE = regexp.MustCompile(`(?i)\[optional\]`)
	nonWordRE  = regexp.MustCompile(`[^\p{L}\p{N}]+`)
)

func normTitle(s string) string {
	s = optionalRE.ReplaceAllString(s, "")
	s = nonWordRE.ReplaceAllString(strings.ToLower(s), " ")
	return strings.TrimSpace(s)
}

var (
	commentRE     = regexp.MustCompile(`(?s)<!--.*?-->`)
	placeholderRE = regexp.MustCompile(`(?i)\[more information needed\]|\{\{[^}]*\}\}`)
)

// Clean returns Markdown without HTML comments and the template's
// placeholders ("[More Information Needed]"), trimmed.
func Clean(s string) string {
	s = commentRE.ReplaceAllString(s, "")
	s = placeholderRE.ReplaceAllString(s, "")
	return strings.TrimSpace(unescapeBlock(s))
}

var bulletRE = regexp.MustCompile(`^\s*[-*+]\s+(?:\*\*|__)?([^:*_\n]{1,80}?)(?:\s*\[optional\])?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.*)$`)

// Bullets returns the "- **Key:** value" lines of a Markdown text, keyed
// by the normalised key, with placeholders removed; empty values are left
// out.
func Bullets(body string) map[string]string {
	out := map[string]string{}
	for _, b := range bulletList(body) {
		if _, ok := out[b.norm]; !ok {
			out[b.norm] = b.value
		}
	}
	return out
}

type bullet struct{ label, norm, value string }

func bulletList(body string) []bullet {
	var out []bullet
	for _, l := range strings.Split(body, "\n") {
		m := bulletRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		b := bullet{strings.TrimSpace(m[1]), normTitle(m[1]), Clean(m[2])}
		if b.norm != "" && b.value != "" {
			out = append(out, b)
		}
	}
	return out
}

// prose returns a section's text without its "- **Key:** value" lines.
func prose(body string) string {
	var keep []string
	for _, l := range strings.Split(Clean(body), "\n") {
		if bulletRE.MatchString(l) || strings.HasPrefix(strings.TrimSpace(l), "|") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}
