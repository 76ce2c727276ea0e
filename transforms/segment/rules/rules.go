// Package rules compiles and evaluates segment rules: CEL expressions (github.com/google/cel-go)
// over one person's portrait.
//
// Every column of the portraits table is a variable of the same name, typed from its Go field:
// strings are string, whole numbers int, fractions double, flags bool, tag lists list(string), and
// timestamps CEL timestamps (compare them with timestamp("2026-11-01T00:00:00Z")). Numbers compare
// across int and double (avg_rating >= 4 works). The CEL standard library, the strings extension
// (lowerAscii, contains ...) and the sets extension (sets.intersects(top_categories, ["beauty"]))
// are available. An expression must give a bool.
//
// Nulls: an optional column whose value is null is unbound, and any use of it is an error inside
// the expression. CEL's && and || absorb errors when the other side decides (false && x is false,
// true || x is true), so a segment matches only when its expression is true however the unknown
// values turn out, as a WHERE clause treats NULL in SQL: `days_since_last_seen <= 7` and
// `!(days_since_last_seen > 7)` both leave out persons never seen. Every optional column has a
// has_<column> flag to say what null should mean: `!has_avg_rating || avg_rating >= 4`.
//
// Whether an optional value is null: the portraits table writes a zero optional value as null, so
// a zero is null, except in the columns whose zero is a real value (hour 0, a refund rate of 0,
// ordered today), which the portrait holds as pointers: there only a nil pointer is null.
package rules

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"

	"github.com/shopportraits/portraits/schemas"
)

// env is the CEL environment of every rule; a cel.Env is safe for concurrent use.
var env, envErr = newEnv()

func newEnv() (*cel.Env, error) {
	opts := []cel.EnvOption{cel.CrossTypeNumericComparisons(true), ext.Strings(), ext.Sets()}
	for _, v := range Variables() {
		opts = append(opts, cel.Variable(v.Name, celType(v.Type)))
	}
	e, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, fmt.Errorf("rules: CEL environment: %w", err)
	}
	return e, nil
}

// Program is a compiled rule.
type Program struct {
	prg cel.Program
}

// Compile parses and type-checks expr against the portrait columns; the error is CEL's message,
// with the expression's line and column and a caret under the fault.
func Compile(expr string) (*Program, error) {
	if envErr != nil {
		return nil, envErr
	}
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, fmt.Errorf("the expression gives %s, want bool", ast.OutputType())
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, err
	}
	return &Program{prg: prg}, nil
}

// ErrUnknown reports an expression that gave neither true nor false: it needed a null value
// (see the package comment) or failed at run time, such as a division by zero.
var ErrUnknown = errors.New("rules: unknown")

// Match evaluates the rule on a portrait. An unknown result counts as no match: false with an
// error wrapping ErrUnknown.
func (p *Program) Match(pt *schemas.Portrait) (bool, error) {
	out, _, err := p.prg.Eval(activation{v: reflect.ValueOf(pt).Elem()})
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrUnknown, err)
	}
	b, ok := out.Value().(bool)
	return ok && b, nil
}

// activation resolves variable names against one portrait.
type activation struct{ v reflect.Value }

// ResolveName implements interpreter.Activation: a null optional column is unbound.
func (a activation) ResolveName(name string) (any, bool) {
	b, ok := byName[name]
	if !ok {
		return nil, false
	}
	c := &columns[b.col]
	f := a.v.Field(c.field)
	present := !c.Optional || !f.IsZero()
	if b.flag {
		return present, true
	}
	if !present {
		return nil, false
	}
	if f.Kind() == reflect.Pointer {
		f = f.Elem()
	}
	return c.conv(f), true
}

// Parent implements interpreter.Activation.
func (activation) Parent() interpreter.Activation { return nil }
