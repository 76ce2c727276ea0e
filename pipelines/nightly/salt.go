package main

import (
	"context"
	"fmt"
	"io"

	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sources"
)

// hashingSalt decides where tonight's hashing salt comes from and says so on w, never the salt: the
// first of --salt-secret, --salt-file and the --salt-env variable that is given, else the bundled
// sample's built-in salt when the run reads exactly the sample's files, wherever they lie, else
// none and an error (package salt).
func hashingSalt(ctx context.Context, o options, cfg *sources.Config, w io.Writer) (
	salt.Source, error) {
	readsSample := func(ctx context.Context) (bool, error) {
		_, inputs, err := ingest.Plan(ctx, cfg, sources.Window{})
		if err != nil {
			return false, err
		}
		files := make([]string, len(inputs))
		for i, in := range inputs {
			files[i] = in.File
		}
		return salt.IsSample(ctx, files)
	}
	src, err := salt.Choose(ctx, o.Salt.Sources(), readsSample)
	if err != nil {
		return salt.Source{}, err
	}
	fmt.Fprintf(w, "hashing salt: %s\n", src)
	return src, nil
}
