package rules_test

import (
	"errors"
	"fmt"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/segment/rules"
)

// A rule is compiled once, type-checked against the portrait columns, then matched against each
// person's portrait. A null column leaves the rule unknown, which is no match, as NULL in SQL's
// WHERE; has_<column> says what null should mean.
func ExampleCompile() {
	seen := int32(3)
	browser := schemas.Portrait{PersonID: "p1", Lifecycle: "interested", DaysSinceLastSeen: &seen}
	neverSeen := schemas.Portrait{PersonID: "p2", Lifecycle: "interested"}

	for _, expr := range []string{
		`lifecycle == "interested" && days_since_last_seen <= 7`,
		`!has_days_since_last_seen || days_since_last_seen > 30`,
	} {
		rule, err := rules.Compile(expr)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, p := range []schemas.Portrait{browser, neverSeen} {
			ok, err := rule.Match(&p)
			fmt.Println(p.PersonID, ok, errors.Is(err, rules.ErrUnknown)) // id, match, unknown
		}
	}
	// Output:
	// p1 true false
	// p2 false true
	// p1 false false
	// p2 true false
}

// A mistake is found before the night starts: an unknown column, a type error, or an expression
// that is not a condition.
func ExampleCompile_errors() {
	for _, expr := range []string{`clv > 0`, `lifecycle == 3`, `gmv_fen / 100`} {
		_, err := rules.Compile(expr)
		fmt.Println(err)
	}
	// Output:
	// ERROR: <input>:1:1: undeclared reference to 'clv' (in container '')
	//  | clv > 0
	//  | ^
	// ERROR: <input>:1:11: found no matching overload for '_==_' applied to '(string, int)'
	//  | lifecycle == 3
	//  | ..........^
	// the expression gives int, want bool
}
