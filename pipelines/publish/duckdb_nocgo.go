//go:build !cgo

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
)

// toDuckDB explains that this binary has no DuckDB: the embedded database needs cgo.
func toDuckDB(
	context.Context,
	io.Writer,
	string,
	*publish.Plan,
	options,
	publish.Settings,
	datatests.Suite,
) (publish.Report, error) {
	return publish.Report{}, configError{
		fmt.Errorf("duckdb:// needs a build with cgo (CGO_ENABLED=1 and a C compiler); " +
			"this binary publishes to bigquery:// only"),
	}
}
