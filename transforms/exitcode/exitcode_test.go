package exitcode

import (
	"errors"
	"fmt"
	"testing"
)

func TestOf(t *testing.T) {
	base := errors.New("boom")
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{base, Failure},
		{Config(base), Usage},
		{fmt.Errorf("nightly: %w", QualityGate(base)), Quality},
		{fmt.Errorf("a: %w", fmt.Errorf("b: %w", Held(base))), Busy},
		{errors.Join(base, Config(base)), Usage},
	}
	for _, c := range cases {
		if got := Of(c.err); got != c.want {
			t.Errorf("Of(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if Config(nil) != nil {
		t.Error("Config(nil) is not nil")
	}
	if err := Config(base); !errors.Is(err, base) || err.Error() != "boom" {
		t.Errorf("Config(base) = %v, does not wrap it", err)
	}
}
