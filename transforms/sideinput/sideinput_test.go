package sideinput

import (
	"maps"
	"testing"
)

// TestSet drains every value once, duplicates and all, and an empty side input into an empty set.
func TestSet(t *testing.T) {
	iter := func(values ...string) func(*string) bool {
		return func(v *string) bool {
			if len(values) == 0 {
				return false
			}
			*v, values = values[0], values[1:]
			return true
		}
	}
	if got, want := Set(iter("a", "b", "a")), map[string]bool{"a": true, "b": true}; !maps.Equal(
		got,
		want,
	) {
		t.Errorf("Set = %v, want %v", got, want)
	}
	if got := Set(iter()); got == nil || len(got) != 0 {
		t.Errorf("Set of nothing = %v, want an empty set", got)
	}
}
