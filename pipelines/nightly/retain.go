package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/shopportraits/portraits/transforms/retention"
)

// retain looks after the runs kept under the output once tonight's is published: tonight's new
// erasure requests are carried into the older runs kept (the persons' rows removed from their
// files), then the runs beyond the newest keep are removed. Tonight's run already leaves the
// persons out, and the carried state forgets them as it is written.
func retain(ctx context.Context, j job, keep int, w io.Writer) error {
	var hashes []string
	for _, e := range j.Erasures {
		if e.RequestedDate == j.Date {
			hashes = append(hashes, e.IDHash)
		}
	}
	if len(hashes) > 0 {
		salt, err := j.Clean.Salt()
		if err != nil {
			return err
		}
		cleaned, err := retention.Erase(ctx, retention.Request{Output: j.Output, Date: j.Date,
			Salt: salt, Hashes: hashes, Now: time.Now().UTC()})
		if err != nil {
			return err
		}
		var rows int64
		for _, c := range cleaned {
			rows += c.RowsRemoved
		}
		fmt.Fprintf(w, "erasure: %d requests carried into the older runs kept, %d rows removed\n",
			len(hashes), rows)
	}
	removed, err := retention.Prune(ctx, j.Output, keep)
	if err != nil {
		return err
	}
	if len(removed) > 0 {
		fmt.Fprintf(w, "retention: removed the runs of %s to %s (keeping %d)\n",
			removed[0], removed[len(removed)-1], keep)
	}
	return nil
}
