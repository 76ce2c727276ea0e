package schemas

import "strconv"

// Reject is one input record that could not be parsed or failed validation (table `rejects`).
type Reject struct {
	Source   string `parquet:"source" desc:"configured source"`
	Stage    string `parquet:"stage" desc:"stage that rejected the record: ingest, clean, dedupe or refs"`
	Reason   string `parquet:"reason" desc:"reason code, such as bad_csv or invalid_phone"`
	Detail   string `parquet:"detail,optional" desc:"readable explanation"`
	File     string `parquet:"file" desc:"input file"`
	Line     int64  `parquet:"line,optional" desc:"1-based line (CSV/JSONL) or row within the row group (Parquet)"`
	RowGroup int32  `parquet:"row_group,optional" desc:"Parquet row group, 1-based; null for text files"`
	Offset   int64  `parquet:"offset,optional" desc:"byte offset of the split the line was counted from, for split text files"`
	Raw      string `parquet:"raw,optional" pii:"contact" desc:"the raw record, names, phones, e-mails, device ids and ID numbers masked, cut to 2 KiB; restricted zone only"`
}

// QualityCount is one counter of the run (table `quality`): records in, out, rejected and
// deduplicated per source and stage, so that in = out + rejected + deduplicated can be checked.
type QualityCount struct {
	Source  string `parquet:"source" desc:"configured source"`
	Stage   string `parquet:"stage" desc:"ingest, clean, dedupe or refs"`
	Measure string `parquet:"measure" desc:"in, out, rejected, deduplicated, nulled, absent (records without a mapped column), guard or linked"`
	Reason  string `parquet:"reason,optional" desc:"reject reason, or the field nulled or absent; empty for in and out"`
	Count   int64  `parquet:"count" desc:"number of records"`
}

func init() {
	register[Reject](
		"rejects",
		"one row per rejected input record, with where it came from and why",
	)
	register[QualityCount]("quality", "record counts per source, stage and measure")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
