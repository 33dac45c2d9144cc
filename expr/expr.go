// Package expr implements the small, typed expression language in which the
// gpai rulebook states its conditions, definitions and deadlines.
//
// An expression is parsed once, type-checked against the names it may use,
// and evaluated many times against an environment of values. The language
// has five types: bool, number (float64), date (a calendar day), duration
// (years, months and days, added to dates with calendar arithmetic) and
// the null value, which stands for a fact that is not known.
//
// Grammar, loosest binding first:
//
//	expr    = or
//	or      = and { "or" and }
//	and     = not { "and" not }
//	not     = "not" not | compare
//	compare = sum [ ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) sum ]
//	sum     = product { ( "+" | "-" ) product }
//	product = unary { ( "*" | "/" ) unary }
//	unary   = "-" unary | primary
//	primary = number | string | "true" | "false" | "null" | name
//	        | name "(" [ expr { "," expr } ] ")" | "(" expr ")"
//
// Names are letters, digits and underscores, starting with a letter. The
// functions are:
//
//	date("2025-08-02")             a date literal
//	days(n) weeks(n) months(n) years(n) business_days(n)
//	                               durations; business days skip Saturdays
//	                               and Sundays (public holidays are not known)
//	known(x)                       whether x is not null
//	if(c, a, b)                    a when c is true, b when c is false, null otherwise
//	max(a, b, ...) min(a, b, ...)  of numbers or of dates; null when any is null
//	coalesce(a, b, ...)            the first argument that is not null
//	file("name")                   whether the dossier holds that file
//
// Null propagates: an operation on null yields null, except that "and" is
// false when either side is false, "or" is true when either side is true,
// and known, if and coalesce, which inspect null. Evaluating a condition to
// null therefore means the facts did not suffice to decide it.
package expr
