// Package schemas holds one Go struct per input record and output table: the single source of the
// Parquet files' schemas and of the warehouse tables publish makes from them (DuckDB and
// BigQuery), with a `desc` tag documenting every column.
//
// Conventions: timestamps are int64 microseconds since the epoch in UTC (Parquet TIMESTAMP micros,
// adjusted to UTC); money is int64 in minor units of the run's currency (the manifest's currency:
// fen for CNY, cents for USD; the columns keep the suffix _fen); ids are strings. Fields tagged
// `parquet:"-"` carry personal data (raw phone, e-mail, name) between stages in memory and never
// reach an output file.
package schemas

// Version is the schema version written into every run manifest. Bump it when a table changes
// shape.
const Version = 3

// Keyed is a cleaned record that the clean stage can deduplicate: records with the same natural key
// are replays of one another and the latest (highest Version, then the later origin) wins.
type Keyed interface {
	// NaturalKey identifies the real-world entity the record describes.
	NaturalKey() string
	// Version orders replays of one key: usually the record's update time in micros.
	Version() int64
	// Origin is where the record was read from, the tie-break between equal versions.
	Origin() Origin
}

// Origin is where a record was read: the file, the Parquet row group (1-based; 0 for text files),
// the byte offset of the split of a text file, and the line (or row of the row group) counted from
// there.
type Origin struct {
	File     string
	RowGroup int32
	Offset   int64
	Line     int64
}

// after reports whether o comes later than p in reading order.
func (o Origin) after(p Origin) bool {
	if o.File != p.File {
		return o.File > p.File
	}
	if o.RowGroup != p.RowGroup {
		return o.RowGroup > p.RowGroup
	}
	if o.Offset != p.Offset {
		return o.Offset > p.Offset
	}
	return o.Line > p.Line
}

// Later reports whether a should win over b when both share a natural key: the higher version, then
// the later file and line, so that the choice never depends on processing order.
func Later(a, b Keyed) bool {
	if va, vb := a.Version(), b.Version(); va != vb {
		return va > vb
	}
	return a.Origin().after(b.Origin())
}
