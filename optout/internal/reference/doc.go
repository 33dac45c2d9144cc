// Package reference is a frozen copy of optout's decision code as it was
// before the speed rewrite of November 2026: the Content-Usage path
// patterns compiled on every call and every evidence text built with fmt.
// The optout tests compare Policy.Decide with it field by field; it is
// not used anywhere else and is not maintained beyond that comparison.
//
// Only the decision procedure is frozen. The protocol packages (robots,
// aipref, tdmrep, noai) are called as they are, except aipref.Applicable,
// whose pattern cache is part of the rewrite and is copied here as it was.
package reference
