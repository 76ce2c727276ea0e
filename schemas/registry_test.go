package schemas

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestOptionalZerosAreNull checks that a zero value of an optional column is written as null
// whatever the values around it (parquet-go's batched writer got [0 1 0] wrong).
func TestOptionalZerosAreNull(t *testing.T) {
	for _, pattern := range [][]int32{{1, 0, 0}, {0, 1, 0}, {0, 2, 3, 0, 0}, {1, 1, 0, 1}} {
		b := &buffer[Reject]{}
		for _, rg := range pattern {
			if err := b.Add(Reject{Source: "s", RowGroup: rg}); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if err := b.Flush(&out); err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := pf.Schema().Lookup("row_group")
		buf := make([]parquet.Row, len(pattern))
		n, err := pf.RowGroups()[0].Rows().ReadRows(buf)
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		var got []string
		for _, row := range buf[:n] {
			for _, v := range row {
				if v.Column() == leaf.ColumnIndex {
					got = append(got, fmt.Sprint(v))
				}
			}
		}
		var want []string
		for _, rg := range pattern {
			if rg == 0 {
				want = append(want, "<null>")
			} else {
				want = append(want, fmt.Sprint(rg))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v written as %v", pattern, got)
		}
	}
}

func TestEveryTableIsRegisteredAndDocumented(t *testing.T) {
	for _, table := range All() {
		for i := 0; i < table.Type.NumField(); i++ {
			f := table.Type.Field(i)
			if f.Tag.Get("parquet") != "-" && f.Tag.Get("desc") == "" {
				t.Errorf("%s.%s has no desc tag", table.Name, f.Name)
			}
		}
	}
	if len(All()) != 25 {
		t.Errorf("%d tables registered", len(All()))
	}
}
