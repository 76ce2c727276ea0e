package runstats

import (
	"slices"
	"testing"
)

func TestStageOf(t *testing.T) {
	for step, want := range map[string]string{
		"ingest.Read/Reshuffle/CoGBK":                        Ingest,
		"clean.Validate.events/clean.validateFn":             Clean,
		"clean.Claims.events/GroupByKey":                     Dedupe,
		"clean.KeepLatest.events/clean.keepFn":               Dedupe,
		"clean.ValidRows.events/clean.validateFn":            Dedupe,
		"ingest.ReadRecords/ingest.readFn":                   Dedupe,
		"ingest.Read/ingest.readFn":                          Ingest,
		"clean.CheckRefs.orders/clean.refsFn":                Refs,
		"clean.CheckOrderItems.order_items/clean.itemsFn":    Refs,
		"resolve.Resolve/resolve.Components/x":               Resolve,
		"resolve.Resolve'1/CombinePerKey/main.sum":           Resolve,
		"portrait.Build/joinOrders/CoGBK":                    Portrait,
		"segment.Build/affinity/x":                           Segment,
		"backfill/portrait.Build/joinOrders/CoGBK":           "backfill",
		"score.Build/score.trainFn":                          Score,
		"sink.Write.users/sink.writeFn":                      Sink,
		"sink.Finalize/sink.finalizeFn":                      Sink,
		"quality.Summarise/CombinePerKey/CoGBK":              Quality,
		"Flatten":                                            Glue,
		"main.asUser":                                        Glue,
		"report.Render/x":                                    "report",
		"erase.Rows.events'2/erase.rowsFn":                   Erase,
		"clean.Other.events/x":                               "clean",
		"clean.Validate.clean.Claims.trick/clean.validateFn": Clean,
	} {
		if got := StageOf(step); got != want {
			t.Errorf("StageOf(%q) = %q, want %q", step, got, want)
		}
	}
}

func TestSortStages(t *testing.T) {
	got := []string{
		Glue,
		"report",
		Sink,
		Score,
		Ingest,
		Erase,
		Refs,
		Segment,
		Portrait,
		Clean,
		"activation",
	}
	sortStages(got)
	want := []string{
		Ingest,
		Clean,
		Refs,
		Erase,
		Portrait,
		Score,
		Segment,
		Sink,
		Glue,
		"activation",
		"report",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sortStages = %v, want %v", got, want)
	}
}
