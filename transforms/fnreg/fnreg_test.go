package fnreg

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/util/reflectx"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// point is a struct in a ProcessElement's signature.
type point struct{ X, Y int }

// scaleFn multiplies points by Factor, which its Setup (called through reflection) checks.
type scaleFn struct {
	Factor int
	ready  bool
}

func (f *scaleFn) Setup() error {
	if f.Factor == 0 {
		return errors.New("no factor")
	}
	f.ready = true
	return nil
}

func (f *scaleFn) ProcessElement(_ context.Context, p point, emit func(point)) error {
	if !f.ready {
		return errors.New("ProcessElement before Setup")
	}
	emit(point{p.X * f.Factor, p.Y * f.Factor})
	return nil
}

func init() {
	DoFn3x1[context.Context, point, func(point), error](&scaleFn{})
	register.Emitter1[point]()
}

// TestProcessElementIsCalledWithoutReflection: the wrapper Beam finds for a registered DoFn's
// ProcessElement is a generic caller (a reflectx.Func3x1), not a reflect.Value call.
func TestProcessElementIsCalledWithoutReflection(t *testing.T) {
	methods, ok := reflectx.WrapMethods(&scaleFn{Factor: 2, ready: true})
	if !ok {
		t.Fatal("no struct wrapper registered")
	}
	pe, ok := methods["ProcessElement"]
	if !ok {
		t.Fatal("the wrapper has no ProcessElement")
	}
	fast, ok := pe.(reflectx.Func3x1)
	if !ok {
		t.Fatalf("ProcessElement is wrapped as %T, not a Func3x1", pe)
	}
	var got point
	if err := fast.Call3x1(context.Background(), point{1, 2}, func(p point) { got = p }); err != nil {
		t.Fatal(err)
	}
	if got != (point{2, 4}) {
		t.Errorf("ProcessElement through the caller emitted %v, want {2 4}", got)
	}
}

// TestTypesAreRegisteredByName: a worker without a symbol table finds the DoFn and the structs
// of its signature by their names.
func TestTypesAreRegisteredByName(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf(scaleFn{}), reflect.TypeOf(point{})} {
		key, _ := runtime.TypeKey(typ)
		if _, ok := runtime.LookupType(key); !ok {
			t.Errorf("%v is not registered", typ)
		}
	}
}

// TestRegisteredDoFnRuns: Setup, left to reflection, still runs before ProcessElement, and the
// job's output is right.
func TestRegisteredDoFnRuns(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	out := beam.ParDo(s, &scaleFn{Factor: 3}, beam.Create(s, point{1, 1}, point{2, 0}))
	passert.Equals(s, out, point{3, 3}, point{6, 0})
	ptest.RunAndValidate(t, p)
}
