// Package schemas holds one Go struct per input record and output table: the single source of the
// Parquet (and later BigQuery) schemas, with a `desc` tag documenting every column.
//
// Conventions: timestamps are int64 microseconds since the epoch in UTC (Parquet TIMESTAMP micros,
// adjusted to UTC); money is int64 fen; ids are strings. Fields tagged `parquet:"-"` carry personal
// data (raw phone, e-mail, name) between stages in memory and never reach an output file.
package schemas

// Version is the schema version written into every run manifest. Bump it when a table changes shape.
const Version = 1

// Keyed is a cleaned record that the clean stage can deduplicate: records with the same natural key
// are replays of one another and the latest (highest Version, then the later origin) wins.
type Keyed interface {
	// NaturalKey identifies the real-world entity the record describes.
	NaturalKey() string
	// Version orders replays of one key: usually the record's update time in micros.
	Version() int64
	// Origin is where the record was read from, the tie-break between equal versions.
	Origin() (file string, line int64)
}

// Later reports whether a should win over b when both share a natural key: the higher version, then
// the later file and line, so that the choice never depends on processing order.
func Later(a, b Keyed) bool {
	if va, vb := a.Version(), b.Version(); va != vb {
		return va > vb
	}
	fa, la := a.Origin()
	fb, lb := b.Origin()
	if fa != fb {
		return fa > fb
	}
	return la > lb
}
