// Package sideinput reads side inputs into the lookup structures DoFns keep: a DoFn that checks
// each element against a side input of keys drains it once per instance into a set.
package sideinput

// Set drains a side input of strings into a set.
func Set(iter func(*string) bool) map[string]bool {
	set := map[string]bool{}
	var v string
	for iter(&v) {
		set[v] = true
	}
	return set
}
