// Package exitcode gives a job's errors the process exit code a scheduler acts on: a configuration
// or usage error (2) and a breached data-quality gate (3) will fail again if retried as they are,
// a date held by another run (4) is worth retrying later, and anything else is 1.
//
// A command wraps an error once where it knows its kind (exitcode.Config(err)) and calls Of(err)
// when it exits; wrapping with fmt.Errorf("...: %w") keeps the code.
package exitcode

import "errors"

// The exit codes.
const (
	Failure = 1 // anything else: a failed pipeline, an unreadable file, a bug
	Usage   = 2 // configuration and usage errors
	Quality = 3 // a data-quality gate or data test failed
	Busy    = 4 // another run holds the date
)

// Error is an error with the exit code its command ends with.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Config marks err as a configuration or usage error (exit code 2); nil stays nil.
func Config(err error) error { return with(Usage, err) }

// QualityGate marks err as a breached data-quality gate (exit code 3); nil stays nil.
func QualityGate(err error) error { return with(Quality, err) }

// Held marks err as a date held by another run (exit code 4); nil stays nil.
func Held(err error) error { return with(Busy, err) }

func with(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Of returns the exit code of err: 0 for nil, the code of the outermost Error it wraps, else 1.
func Of(err error) int {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Failure
}
