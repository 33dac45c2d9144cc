package expr

import (
	"fmt"
	"strconv"
	"time"
)

// A Type is the static type of an expression or a name.
type Type uint8

// The types of the language. Any is the type of the null literal; it is
// compatible with every other type.
const (
	Any Type = iota
	Bool
	Number
	Date
	Duration
	String
)

var typeNames = [...]string{Any: "null", Bool: "bool", Number: "number", Date: "date", Duration: "duration", String: "string"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// ParseType returns the type named s ("bool", "number", "date", "duration").
func ParseType(s string) (Type, error) {
	for t, name := range typeNames {
		if name == s && Type(t) != Any {
			return Type(t), nil
		}
	}
	return Any, fmt.Errorf("expr: unknown type %q (want bool, number, date or duration)", s)
}

// A Span is a calendar duration. Dates add its parts in order: years and
// months first (with time.Time.AddDate's normalisation), then days, then
// business days, which skip Saturdays and Sundays.
type Span struct {
	Years, Months, Days, BusinessDays int
}

func (s Span) String() string {
	var parts []string
	add := func(n int, unit string) {
		if n != 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, unit))
		}
	}
	add(s.Years, "years")
	add(s.Months, "months")
	add(s.Days, "days")
	add(s.BusinessDays, "business days")
	if len(parts) == 0 {
		return "0 days"
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out += " " + p
	}
	return out
}

func (s Span) neg() Span {
	return Span{-s.Years, -s.Months, -s.Days, -s.BusinessDays}
}

// AddTo returns the day d moved by the span.
func (s Span) AddTo(d time.Time) time.Time {
	d = d.AddDate(s.Years, s.Months, s.Days)
	n := s.BusinessDays
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// A Value is the result of evaluating an expression. The zero Value is null.
type Value struct {
	Type Type // Any means null
	b    bool
	n    float64
	t    time.Time
	span Span
	s    string
}

// Null is the null value.
var Null = Value{}

// BoolValue returns b as a Value.
func BoolValue(b bool) Value { return Value{Type: Bool, b: b} }

// NumberValue returns n as a Value.
func NumberValue(n float64) Value { return Value{Type: Number, n: n} }

// DateValue returns the calendar day of t (in UTC) as a Value.
func DateValue(t time.Time) Value {
	y, m, d := t.Date()
	return Value{Type: Date, t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// SpanValue returns s as a Value.
func SpanValue(s Span) Value { return Value{Type: Duration, span: s} }

// StringValue returns s as a Value.
func StringValue(s string) Value { return Value{Type: String, s: s} }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.Type == Any }

// Bool returns v's boolean and whether v is a bool.
func (v Value) Bool() (bool, bool) { return v.b, v.Type == Bool }

// Number returns v's number and whether v is a number.
func (v Value) Number() (float64, bool) { return v.n, v.Type == Number }

// Date returns v's day and whether v is a date.
func (v Value) Date() (time.Time, bool) { return v.t, v.Type == Date }

// Span returns v's duration and whether v is a duration.
func (v Value) Span() (Span, bool) { return v.span, v.Type == Duration }

// Str returns v's string and whether v is a string.
func (v Value) Str() (string, bool) { return v.s, v.Type == String }

// String formats v for people: dates as YYYY-MM-DD, numbers in the
// shortest form that reads back exactly.
func (v Value) String() string {
	switch v.Type {
	case Bool:
		return strconv.FormatBool(v.b)
	case Number:
		return strconv.FormatFloat(v.n, 'g', -1, 64)
	case Date:
		return v.t.Format(time.DateOnly)
	case Duration:
		return v.span.String()
	case String:
		return strconv.Quote(v.s)
	}
	return "null"
}

// Interface returns v as a plain Go value: bool, float64, time.Time, Span,
// string, or nil for null.
func (v Value) Interface() any {
	switch v.Type {
	case Bool:
		return v.b
	case Number:
		return v.n
	case Date:
		return v.t
	case Duration:
		return v.span
	case String:
		return v.s
	}
	return nil
}
