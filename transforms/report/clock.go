package report

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// clock counts something per weekday (0 is Monday) and hour of the business time zone.
type clock [7][24]int64

// weekdays are the rows of a clock.
var weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// add counts a time in loc.
func (c *clock) add(t time.Time, loc *time.Location) {
	t = t.In(loc)
	c[(int(t.Weekday())+6)%7][t.Hour()]++
}

// block is the clock as a heatmap with the table of its numbers beside it.
func (c *clock) block(id, title, caption string) (Block, error) {
	t := &Table{Caption: caption, Head: trList("weekday")}
	var xs, ys []string
	for h := range 24 {
		t.Head = append(t.Head, strconv.Itoa(h))
		xs = append(xs, strconv.Itoa(h))
	}
	cells := make([][]float64, 7)
	for d, name := range weekdays {
		ys = append(ys, tr(name))
		row := []Cell{txt(tr(name))}
		for h := range 24 {
			row = append(row, num(count(c[d][h])))
			cells[d] = append(cells[d], float64(c[d][h]))
		}
		t.Rows = append(t.Rows, row)
	}
	// The chart's y axis grows upwards: Sunday's row first puts Monday on top, as in the table.
	slices.Reverse(ys)
	slices.Reverse(cells)
	chart, err := heatmap(id, title, tr("hour"), tr("weekday"), xs, ys, cells)
	return Block{Chart: chart, Table: t}, err
}

// businessZone is the run's business time zone: the manifest's, else the sources config's, else
// UTC (a run written before the manifest recorded it, rendered without --sources).
func businessZone(m *sink.Manifest, o Options) *time.Location {
	name := m.BusinessTimezone
	if name == "" && o.Sources != nil {
		name = o.Sources.BusinessTimezone
	}
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

// purchaseClock counts the paid orders by the weekday and hour they were placed, in the business
// time zone; nil when the run has no orders table.
func purchaseClock(
	ctx context.Context,
	output, date string,
	m *sink.Manifest,
	loc *time.Location,
) (*clock, error) {
	info, ok := m.Tables["orders"]
	if !ok {
		return nil, nil
	}
	c := &clock{}
	err := streamTable(ctx, output, date, "orders", info.Files, func(row any) {
		if o := row.(schemas.Order); o.PaidAt != 0 {
			c.add(time.UnixMicro(o.CreatedAt), loc)
		}
	})
	return c, err
}
