package sink

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/fnreg"
)

// WriteJSON writes the single element of doc as an indented JSON document to
// OUTPUT/dt=DATE/name, in place, and returns its Extra for Finalize. An empty doc writes nothing;
// more than one element is an error.
func WriteJSON(s beam.Scope, cfg Config, name string, doc beam.PCollection) beam.PCollection {
	s = s.Scope("sink.WriteJSON." + name)
	return beam.ParDo(
		s,
		&jsonFn{Config: cfg, Name: name},
		beam.Impulse(s),
		beam.SideInput{Input: doc},
	)
}

type jsonFn struct {
	Config Config
	Name   string
}

func (f *jsonFn) ProcessElement(
	ctx context.Context,
	_ []byte,
	docs func(*beam.X) bool,
	emit func(Extra),
) error {
	var doc, more beam.X
	if !docs(&doc) {
		return nil
	}
	if docs(&more) {
		return fmt.Errorf("sink: %s: more than one document", f.Name)
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("sink: %s: %w", f.Name, err)
	}
	err = WriteBytes(ctx, Join(RunDir(f.Config.Output, f.Config.Date), f.Name), append(data, '\n'))
	if err != nil {
		return err
	}
	emit(Extra{Path: f.Name, Rows: 1})
	return nil
}

func init() {
	fnreg.DoFn4x1[context.Context, []byte, func(*beam.X) bool, func(Extra), error](&jsonFn{})
	register.Emitter1[Extra]()
}
