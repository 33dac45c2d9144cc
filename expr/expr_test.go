package expr_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai/expr"
)

var names = map[string]expr.Type{
	"flop":      expr.Number,
	"gpai":      expr.Bool,
	"sr":        expr.Bool,
	"placement": expr.Date,
	"missing":   expr.Date,
	"unknownb":  expr.Bool,
}

func env() *expr.Env {
	return &expr.Env{
		Vars: map[string]expr.Value{
			"flop":      expr.NumberValue(7.5e22),
			"gpai":      expr.BoolValue(true),
			"sr":        expr.BoolValue(false),
			"placement": expr.DateValue(time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC)),
		},
		Files: map[string]bool{"documentation.yaml": true},
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"strict greater", "flop > 7.5e22", "false"},
		{"greater or equal", "flop >= 7.5e22", "true"},
		{"arithmetic precedence", "1 + 2 * 3", "7"},
		{"division", "1e25 / 3 > 3.3e24", "true"},
		{"and or not", "gpai and not sr or false", "true"},
		{"date plus weeks", "placement + weeks(2)", "2025-09-29"},
		{"date minus weeks", "placement - weeks(2)", "2025-09-01"},
		{"months end of month", "date(\"2025-01-31\") + months(1)", "2025-03-03"},
		{"years", "placement + years(10)", "2035-09-15"},
		{"business days over weekend", "date(\"2025-08-01\") + business_days(5)", "2025-08-08"},
		{"business days from saturday", "date(\"2025-08-02\") + business_days(1)", "2025-08-04"},
		{"max dates", "max(placement, date(\"2025-08-02\"))", "2025-09-15"},
		{"min dates", "min(placement, date(\"2025-08-02\"))", "2025-08-02"},
		{"max with null is null", "max(placement, missing)", "null"},
		{"coalesce", "coalesce(missing, placement)", "2025-09-15"},
		{"if true", "if(gpai, 1, 2)", "1"},
		{"if null", "if(unknownb, 1, 2)", "null"},
		{"known", "known(missing) or known(placement)", "true"},
		{"null and false is false", "unknownb and false", "false"},
		{"null and true is null", "unknownb and true", "null"},
		{"null or true is true", "unknownb or true", "true"},
		{"comparison with null is null", "missing < placement", "null"},
		{"file present", "file(\"documentation.yaml\")", "true"},
		{"file absent", "file(\"data.yaml\")", "false"},
		{"days between dates", "placement - date(\"2025-09-01\")", "14"},
		{"underscore digits", "1_000 * 2", "2000"},
		{"equality of dates", "placement == date(\"2025-09-15\")", "true"},
		{"negative span", "placement + -days(15)", "2025-08-31"},
		{"division by zero is null", "1 / 0", "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := expr.Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if _, err := e.Check(names); err != nil {
				t.Fatalf("Check(%q): %v", tt.src, err)
			}
			if got := e.Eval(env()).String(); got != tt.want {
				t.Errorf("Eval(%q) = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "  ", "empty"},
		{"typo suggests", "flopp > 1", `unknown name "flopp" (did you mean "flop"?)`},
		{"type mismatch", "flop and gpai", `"and" joins bools, not number and bool`},
		{"compare date with number", "placement > 1", "compares two numbers or two dates"},
		{"bad date", `date("2025-13-01")`, "is not a date"},
		{"unclosed paren", "(flop > 1", "missing closing parenthesis"},
		{"trailing junk", "gpai sr", `unexpected "sr" after a complete expression`},
		{"unknown function", "dayz(3)", `did you mean "days"?`},
		{"wrong arity", "days(1, 2)", "takes 1 argument"},
		{"bad char", "flop # 1", "unexpected character"},
		{"dangling operator", "flop >", "ends too early"},
		{"deep nesting", strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200), "nests too deeply"},
		{"too long", strings.Repeat("1+", 3000) + "1", "limit is"},
		{"if branches differ", "if(gpai, 1, placement)", "branches differ"},
		{"unterminated string", `file("a`, "not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := expr.Parse(tt.src)
			if err == nil {
				_, err = e.Check(names)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse+Check(%q) error = %v, want containing %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	e := expr.MustParse("gpai and flop > 1e23 or gpai and known(placement)")
	got := strings.Join(e.Names(), ",")
	if got != "flop,gpai,placement" {
		t.Errorf("Names() = %s, want flop,gpai,placement", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"flop > 1e23 and gpai", "placement + weeks(2)", "if(gpai, max(placement, date(\"2025-08-02\")), null)", "not not (1 - -2) * 3 / 4", `file("x")`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := expr.Parse(src)
		if err != nil {
			return
		}
		if _, err := e.Check(names); err != nil {
			return
		}
		_ = e.Eval(env()).String()
		_ = e.Eval(nil)
	})
}

func ExampleExpr_Eval() {
	e := expr.MustParse(`max(placement, date("2025-08-02")) + weeks(2)`)
	if _, err := e.Check(map[string]expr.Type{"placement": expr.Date}); err != nil {
		panic(err)
	}
	env := &expr.Env{Vars: map[string]expr.Value{
		"placement": expr.DateValue(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)),
	}}
	fmt.Println(e.Eval(env))
	// Output: 2025-08-16
}
