package clean

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sideinput"
)

// RefsStage is the name of the reference-check stage in rejects and quality counts.
const RefsStage = "refs"

// CheckRefs drops rows that belong to a test account (reason test_account) or, when checkSKUs is set,
// name a product missing from the catalog (unknown_product). testUsers and skus are side inputs of
// strings; both must fit in a worker's memory (test accounts are few; a catalog of ten million SKUs
// takes about 1 GiB). The caller settles them (package settle) when they come from a shuffle, once
// for all the sources it checks.
func CheckRefs(s beam.Scope, source string, rows, testUsers, skus beam.PCollection, checkSKUs bool) (kept, rejects, counts beam.PCollection) {
	s = s.Scope("clean.CheckRefs." + source)
	return beam.ParDo3(s, &refsFn{Source: source, CheckSKUs: checkSKUs}, rows, beam.SideInput{Input: testUsers}, beam.SideInput{Input: skus})
}

// CheckOrderItems drops order lines whose order is not among the cleaned orders (orphan_item) or, when
// checkSKUs is set, whose product is not in the catalog (unknown_product). Lines are joined to order
// ids by a CoGroupByKey: one element per line and per order, never per event. skus is settled by the
// caller, as for CheckRefs.
func CheckOrderItems(s beam.Scope, source string, items, orderIDs, skus beam.PCollection, checkSKUs bool) (kept, rejects, counts beam.PCollection) {
	s = s.Scope("clean.CheckOrderItems." + source)
	keyed := beam.ParDo(s, orderItemKey, items)
	orders := beam.ParDo(s, orderIDKey, orderIDs)
	joined := beam.CoGroupByKey(s, keyed, orders)
	return beam.ParDo3(s, &orderItemsFn{Source: source, CheckSKUs: checkSKUs}, joined, beam.SideInput{Input: skus})
}

func orderItemKey(i schemas.OrderItem) (string, schemas.OrderItem) { return i.OrderID, i }

func orderIDKey(id string) (string, bool) { return id, true }

// userOf is the account a row belongs to, for the test-account rule.
func userOf(row any) string {
	switch r := row.(type) {
	case schemas.Order:
		return r.UserID
	case schemas.Event:
		return r.UserID
	case schemas.Touch:
		return r.UserID
	case schemas.Review:
		return r.UserID
	case schemas.Ticket:
		return r.UserID
	}
	return ""
}

// skuOf is the product a row names, for the catalog rule.
func skuOf(row any) string {
	switch r := row.(type) {
	case schemas.Event:
		return r.SKU
	case schemas.Review:
		return r.SKU
	case schemas.OrderItem:
		return r.SKU
	}
	return ""
}

// refReject is a reject of the refs stage; the raw text is the row's natural key, never its fields.
func refReject(source, reason, detail string, row schemas.Keyed) schemas.Reject {
	o := row.Origin()
	return ingest.NewReject(source, RefsStage, reason, detail, o.File, o.Line, o.RowGroup, o.Offset, row.NaturalKey())
}

// refsFn checks a row's account and product against the test accounts and the catalog, side inputs
// read once into sets (re-iterable: see keepFn).
type refsFn struct {
	Source    string
	CheckSKUs bool
	testUsers map[string]bool
	skus      map[string]bool
	counts    quality.Tally
}

func (f *refsFn) StartBundle(_ context.Context, _, _ func() func(*string) bool, _ func(beam.X), _ func(schemas.Reject), _ func(string, int64)) {
	f.counts = quality.Tally{}
}

func (f *refsFn) ProcessElement(_ context.Context, row beam.X, testUsers, skus func() func(*string) bool, emit func(beam.X), reject func(schemas.Reject), _ func(string, int64)) {
	if f.testUsers == nil {
		f.testUsers, f.skus = sideinput.Set(testUsers()), sideinput.Set(skus())
	}
	key := quality.Key{Source: f.Source, Stage: RefsStage, Measure: quality.In}
	f.counts.Add(key, 1)
	keyed := row.(schemas.Keyed)
	if u := userOf(row); u != "" && f.testUsers[u] {
		key.Measure, key.Reason = quality.Rejected, "test_account"
		f.counts.Add(key, 1)
		reject(refReject(f.Source, "test_account", "belongs to a test account", keyed))
		return
	}
	if sku := skuOf(row); f.CheckSKUs && sku != "" && !f.skus[sku] {
		key.Measure, key.Reason = quality.Rejected, "unknown_product"
		f.counts.Add(key, 1)
		reject(refReject(f.Source, "unknown_product", fmt.Sprintf("sku %q is not in the catalog", sku), keyed))
		return
	}
	key.Measure = quality.Out
	f.counts.Add(key, 1)
	emit(row)
}

func (f *refsFn) FinishBundle(ctx context.Context, _, _ func() func(*string) bool, _ func(beam.X), _ func(schemas.Reject), count func(string, int64)) {
	f.counts.Emit(ctx, count)
}

// orderItemsFn has no bundle methods: with a CoGroupByKey input, Beam cannot tell its side inputs from
// its grouped inputs there. Its counts go out once per order, summed downstream by a lifted combine.
type orderItemsFn struct {
	Source    string
	CheckSKUs bool
	skus      map[string]bool
}

func (f *orderItemsFn) ProcessElement(ctx context.Context, orderID string, items func(*schemas.OrderItem) bool, orders func(*bool) bool, skus func(*string) bool,
	emit func(schemas.OrderItem), reject func(schemas.Reject), count func(string, int64)) {
	if f.skus == nil {
		f.skus = sideinput.Set(skus)
	}
	var exists, b bool
	for orders(&b) {
		exists = true
	}
	counts := quality.Tally{}
	key := quality.Key{Source: f.Source, Stage: RefsStage}
	var item schemas.OrderItem
	for items(&item) {
		key.Measure, key.Reason = quality.In, ""
		counts.Add(key, 1)
		switch {
		case !exists:
			key.Measure, key.Reason = quality.Rejected, "orphan_item"
			reject(refReject(f.Source, "orphan_item", fmt.Sprintf("order %q is not among the cleaned orders", orderID), item))
		case f.CheckSKUs && !f.skus[item.SKU]:
			key.Measure, key.Reason = quality.Rejected, "unknown_product"
			reject(refReject(f.Source, "unknown_product", fmt.Sprintf("sku %q is not in the catalog", item.SKU), item))
		default:
			key.Measure = quality.Out
			emit(item)
		}
		counts.Add(key, 1)
	}
	counts.Emit(ctx, count)
}

func init() {
	register.Function1x2(orderItemKey)
	register.Function1x2(orderIDKey)
	register.DoFn7x0[context.Context, beam.X, func() func(*string) bool, func() func(*string) bool, func(beam.X), func(schemas.Reject), func(string, int64)](&refsFn{})
	register.DoFn8x0[context.Context, string, func(*schemas.OrderItem) bool, func(*bool) bool, func(*string) bool, func(schemas.OrderItem), func(schemas.Reject), func(string, int64)](&orderItemsFn{})
	register.Iter1[string]()
	register.Iter1[bool]()
	register.Iter1[schemas.OrderItem]()
	register.Emitter1[schemas.OrderItem]()
}
