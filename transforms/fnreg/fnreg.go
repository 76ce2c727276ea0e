// Package fnreg registers structural DoFns with Beam so that their ProcessElement is called
// without reflection, as Beam's register.DoFnNxM does, at a small fraction of the code.
//
// Why: register.DoFnNxM also builds a wrapper for StartBundle, FinishBundle, Setup and Teardown,
// trying every signature Beam allows for them with the DoFn's own types; each registration
// instantiates thousands of generic functions, which made the worker binary several hundred
// megabytes that Dataflow stages on every submission. Here ProcessElement, called per element,
// gets Beam's generic caller (register.FunctionNxM, a handful of functions); the lifecycle
// methods, called once per bundle or instance, are left to Beam's reflection. The DoFn's type
// and the structs in ProcessElement's signature are registered by name, as register does, so
// that a worker binary stripped of its symbol table finds them.
package fnreg

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/util/reflectx"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// registerDoFn registers the DoFn's type and the structs its ProcessElement takes and returns,
// and makes each DoFn value's ProcessElement the caller registered for its function type.
func registerDoFn(doFn any) {
	t := reflect.TypeOf(doFn).Elem()
	runtime.RegisterType(t)
	method := reflect.ValueOf(doFn).MethodByName("ProcessElement").Type()
	for i := range method.NumIn() {
		structType(method.In(i))
	}
	for i := range method.NumOut() {
		structType(method.Out(i))
	}
	// Called once per DoFn value, not per element: reflection finds the method here, and
	// reflectx.MakeFunc the caller that register.FunctionNxM keeps for its type.
	reflectx.RegisterStructWrapper(t, func(fn any) map[string]reflectx.Func {
		pe := reflect.ValueOf(fn).MethodByName("ProcessElement").Interface()
		return map[string]reflectx.Func{"ProcessElement": reflectx.MakeFunc(pe)}
	})
}

// structType registers t, or what t points to, when it is a struct.
func structType(t reflect.Type) {
	if t = reflectx.SkipPtr(t); t.Kind() == reflect.Struct {
		runtime.RegisterType(t)
	}
}

// processor1x1 is a DoFn whose ProcessElement takes 1 and returns 1.
type processor1x1[I0, R0 any] interface {
	ProcessElement(I0) R0
}

// DoFn1x1 registers a DoFn whose ProcessElement takes 1 and returns 1, in their order.
func DoFn1x1[I0, R0 any](doFn processor1x1[I0, R0]) {
	register.Function1x1(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor1x2 is a DoFn whose ProcessElement takes 1 and returns 2.
type processor1x2[I0, R0, R1 any] interface {
	ProcessElement(I0) (R0, R1)
}

// DoFn1x2 registers a DoFn whose ProcessElement takes 1 and returns 2, in their order.
func DoFn1x2[I0, R0, R1 any](doFn processor1x2[I0, R0, R1]) {
	register.Function1x2(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor2x0 is a DoFn whose ProcessElement takes 2 and returns 0.
type processor2x0[I0, I1 any] interface {
	ProcessElement(I0, I1)
}

// DoFn2x0 registers a DoFn whose ProcessElement takes 2 and returns 0, in their order.
func DoFn2x0[I0, I1 any](doFn processor2x0[I0, I1]) {
	register.Function2x0(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor2x1 is a DoFn whose ProcessElement takes 2 and returns 1.
type processor2x1[I0, I1, R0 any] interface {
	ProcessElement(I0, I1) R0
}

// DoFn2x1 registers a DoFn whose ProcessElement takes 2 and returns 1, in their order.
func DoFn2x1[I0, I1, R0 any](doFn processor2x1[I0, I1, R0]) {
	register.Function2x1(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor2x2 is a DoFn whose ProcessElement takes 2 and returns 2.
type processor2x2[I0, I1, R0, R1 any] interface {
	ProcessElement(I0, I1) (R0, R1)
}

// DoFn2x2 registers a DoFn whose ProcessElement takes 2 and returns 2, in their order.
func DoFn2x2[I0, I1, R0, R1 any](doFn processor2x2[I0, I1, R0, R1]) {
	register.Function2x2(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor3x0 is a DoFn whose ProcessElement takes 3 and returns 0.
type processor3x0[I0, I1, I2 any] interface {
	ProcessElement(I0, I1, I2)
}

// DoFn3x0 registers a DoFn whose ProcessElement takes 3 and returns 0, in their order.
func DoFn3x0[I0, I1, I2 any](doFn processor3x0[I0, I1, I2]) {
	register.Function3x0(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor3x1 is a DoFn whose ProcessElement takes 3 and returns 1.
type processor3x1[I0, I1, I2, R0 any] interface {
	ProcessElement(I0, I1, I2) R0
}

// DoFn3x1 registers a DoFn whose ProcessElement takes 3 and returns 1, in their order.
func DoFn3x1[I0, I1, I2, R0 any](doFn processor3x1[I0, I1, I2, R0]) {
	register.Function3x1(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor4x0 is a DoFn whose ProcessElement takes 4 and returns 0.
type processor4x0[I0, I1, I2, I3 any] interface {
	ProcessElement(I0, I1, I2, I3)
}

// DoFn4x0 registers a DoFn whose ProcessElement takes 4 and returns 0, in their order.
func DoFn4x0[I0, I1, I2, I3 any](doFn processor4x0[I0, I1, I2, I3]) {
	register.Function4x0(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor4x1 is a DoFn whose ProcessElement takes 4 and returns 1.
type processor4x1[I0, I1, I2, I3, R0 any] interface {
	ProcessElement(I0, I1, I2, I3) R0
}

// DoFn4x1 registers a DoFn whose ProcessElement takes 4 and returns 1, in their order.
func DoFn4x1[I0, I1, I2, I3, R0 any](doFn processor4x1[I0, I1, I2, I3, R0]) {
	register.Function4x1(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor5x0 is a DoFn whose ProcessElement takes 5 and returns 0.
type processor5x0[I0, I1, I2, I3, I4 any] interface {
	ProcessElement(I0, I1, I2, I3, I4)
}

// DoFn5x0 registers a DoFn whose ProcessElement takes 5 and returns 0, in their order.
func DoFn5x0[I0, I1, I2, I3, I4 any](doFn processor5x0[I0, I1, I2, I3, I4]) {
	register.Function5x0(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor5x1 is a DoFn whose ProcessElement takes 5 and returns 1.
type processor5x1[I0, I1, I2, I3, I4, R0 any] interface {
	ProcessElement(I0, I1, I2, I3, I4) R0
}

// DoFn5x1 registers a DoFn whose ProcessElement takes 5 and returns 1, in their order.
func DoFn5x1[I0, I1, I2, I3, I4, R0 any](doFn processor5x1[I0, I1, I2, I3, I4, R0]) {
	register.Function5x1(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor6x0 is a DoFn whose ProcessElement takes 6 and returns 0.
type processor6x0[I0, I1, I2, I3, I4, I5 any] interface {
	ProcessElement(I0, I1, I2, I3, I4, I5)
}

// DoFn6x0 registers a DoFn whose ProcessElement takes 6 and returns 0, in their order.
func DoFn6x0[I0, I1, I2, I3, I4, I5 any](doFn processor6x0[I0, I1, I2, I3, I4, I5]) {
	register.Function6x0(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor6x1 is a DoFn whose ProcessElement takes 6 and returns 1.
type processor6x1[I0, I1, I2, I3, I4, I5, R0 any] interface {
	ProcessElement(I0, I1, I2, I3, I4, I5) R0
}

// DoFn6x1 registers a DoFn whose ProcessElement takes 6 and returns 1, in their order.
func DoFn6x1[I0, I1, I2, I3, I4, I5, R0 any](doFn processor6x1[I0, I1, I2, I3, I4, I5, R0]) {
	register.Function6x1(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor7x0 is a DoFn whose ProcessElement takes 7 and returns 0.
type processor7x0[I0, I1, I2, I3, I4, I5, I6 any] interface {
	ProcessElement(I0, I1, I2, I3, I4, I5, I6)
}

// DoFn7x0 registers a DoFn whose ProcessElement takes 7 and returns 0, in their order.
func DoFn7x0[I0, I1, I2, I3, I4, I5, I6 any](doFn processor7x0[I0, I1, I2, I3, I4, I5, I6]) {
	register.Function7x0(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor7x1 is a DoFn whose ProcessElement takes 7 and returns 1.
type processor7x1[I0, I1, I2, I3, I4, I5, I6, R0 any] interface {
	ProcessElement(I0, I1, I2, I3, I4, I5, I6) R0
}

// DoFn7x1 registers a DoFn whose ProcessElement takes 7 and returns 1, in their order.
func DoFn7x1[I0, I1, I2, I3, I4, I5, I6, R0 any](
	doFn processor7x1[I0, I1, I2, I3, I4, I5, I6, R0]) {
	register.Function7x1(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor8x0 is a DoFn whose ProcessElement takes 8 and returns 0.
type processor8x0[I0, I1, I2, I3, I4, I5, I6, I7 any] interface {
	ProcessElement(I0, I1, I2, I3, I4, I5, I6, I7)
}

// DoFn8x0 registers a DoFn whose ProcessElement takes 8 and returns 0, in their order.
func DoFn8x0[I0, I1, I2, I3, I4, I5, I6, I7 any](
	doFn processor8x0[I0, I1, I2, I3, I4, I5, I6, I7]) {
	register.Function8x0(doFn.ProcessElement)
	registerDoFn(doFn)
}

// processor9x0 is a DoFn whose ProcessElement takes 9 and returns 0.
type processor9x0[I0, I1, I2, I3, I4, I5, I6, I7, I8 any] interface {
	ProcessElement(I0, I1, I2, I3, I4, I5, I6, I7, I8)
}

// DoFn9x0 registers a DoFn whose ProcessElement takes 9 and returns 0, in their order.
func DoFn9x0[I0, I1, I2, I3, I4, I5, I6, I7, I8 any](
	doFn processor9x0[I0, I1, I2, I3, I4, I5, I6, I7, I8]) {
	register.Function9x0(doFn.ProcessElement)
	registerDoFn(doFn)
}
