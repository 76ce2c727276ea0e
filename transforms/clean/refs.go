package clean

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sideinput"
)

// RefsStage is the name of the reference-check stage in rejects and quality counts.
const RefsStage = "refs"

// CheckRefs drops rows that belong to a test account (reason test_account) or, when checkSKUs is
// set, name a product missing from the catalog (rejected_product when the product's row was
// rejected, with its reason, else unknown_product). testUsers and skus are side inputs of strings,
// rejected one of KV<SKU, reason> (Result.RejectedProducts); all must fit in a worker's memory
// (test accounts are few; a catalog of ten million SKUs takes about 1 GiB). The caller settles them
// (package settle) when they come from a shuffle, once for all the sources it checks.
func CheckRefs(
	s beam.Scope,
	source string,
	rows, testUsers, skus, rejected beam.PCollection,
	checkSKUs bool,
) (kept, rejects, counts beam.PCollection) {
	s = s.Scope("clean.CheckRefs." + source)
	return beam.ParDo3(
		s,
		&refsFn{Source: source, CheckSKUs: checkSKUs},
		rows,
		beam.SideInput{Input: testUsers},
		beam.SideInput{Input: skus},
		beam.SideInput{Input: rejected},
	)
}

// CheckOrderItems drops order lines whose order is not among the cleaned orders (orphan_item) or,
// when checkSKUs is set, whose product is not in the catalog (rejected_product or unknown_product,
// as CheckRefs says). Lines are joined to order ids by a CoGroupByKey: one element per line and per
// order, never per event. skus and rejected are settled by the caller, as for CheckRefs.
func CheckOrderItems(
	s beam.Scope,
	source string,
	items, orderIDs, skus, rejected beam.PCollection,
	checkSKUs bool,
) (kept, rejects, counts beam.PCollection) {
	s = s.Scope("clean.CheckOrderItems." + source)
	keyed := beam.ParDo(s, orderItemKey, items)
	orders := beam.ParDo(s, orderIDKey, orderIDs)
	joined := beam.CoGroupByKey(s, keyed, orders)
	return beam.ParDo3(
		s,
		&orderItemsFn{Source: source, CheckSKUs: checkSKUs},
		joined,
		beam.SideInput{Input: skus},
		beam.SideInput{Input: rejected},
	)
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
	return stageReject(source, RefsStage, reason, detail, row)
}

// stageReject is a reject of a cleaned row at a stage after validation; the raw text is the row's
// natural key, never its fields.
func stageReject(source, stage, reason, detail string, row schemas.Keyed) schemas.Reject {
	o := row.Origin()
	return ingest.NewReject(
		source,
		stage,
		reason,
		detail,
		o.File,
		o.Line,
		o.RowGroup,
		o.Offset,
		row.NaturalKey(),
	)
}

// ReasonRejectedProduct rejects a row naming a product that is missing from the catalog because
// the product's own row was rejected; the detail gives the product's reason.
const ReasonRejectedProduct = "rejected_product"

// missingProduct is why a row's SKU is not in the catalog: the product's row was rejected
// (rejected_product, with its reason), or the catalog never had it (unknown_product).
func missingProduct(sku string, rejected map[string]string) (reason, detail string) {
	if why, ok := rejected[sku]; ok {
		return ReasonRejectedProduct, fmt.Sprintf(
			"sku %q is not in the catalog: its product row was rejected as %s",
			sku,
			why,
		)
	}
	return "unknown_product", fmt.Sprintf("sku %q is not in the catalog", sku)
}

// RejectedProducts drains a side input of KV<SKU, reason> (Result.RejectedProducts) into a map; of
// two reasons for one SKU the first in sort order is kept, so the choice is the same on every run.
func RejectedProducts(iter func(*string, *string) bool) map[string]string {
	out := map[string]string{}
	var sku, reason string
	for iter(&sku, &reason) {
		if old, ok := out[sku]; !ok || reason < old {
			out[sku] = reason
		}
	}
	return out
}

// refsFn checks a row's account and product against the test accounts and the catalog, side inputs
// read once into sets (re-iterable: see keepFn).
type refsFn struct {
	Source    string
	CheckSKUs bool
	testUsers map[string]bool
	skus      map[string]bool
	rejected  map[string]string
	counts    quality.Tally
}

func (f *refsFn) StartBundle(
	_ context.Context,
	_, _ func() func(*string) bool,
	_ func() func(*string, *string) bool,
	_ func(beam.X),
	_ func(schemas.Reject),
	_ func(string, int64),
) {
	f.counts = quality.Tally{}
}

func (f *refsFn) ProcessElement(
	_ context.Context,
	row beam.X,
	testUsers, skus func() func(*string) bool,
	rejected func() func(*string, *string) bool,
	emit func(beam.X),
	reject func(schemas.Reject),
	_ func(string, int64),
) {
	if f.testUsers == nil {
		f.testUsers, f.skus = sideinput.Set(testUsers()), sideinput.Set(skus())
		f.rejected = RejectedProducts(rejected())
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
		reason, detail := missingProduct(sku, f.rejected)
		key.Measure, key.Reason = quality.Rejected, reason
		f.counts.Add(key, 1)
		reject(refReject(f.Source, reason, detail, keyed))
		return
	}
	key.Measure = quality.Out
	f.counts.Add(key, 1)
	emit(row)
}

func (f *refsFn) FinishBundle(
	ctx context.Context,
	_, _ func() func(*string) bool,
	_ func() func(*string, *string) bool,
	_ func(beam.X),
	_ func(schemas.Reject),
	count func(string, int64),
) {
	f.counts.Emit(ctx, count)
}

// orderItemsFn has no bundle methods: with a CoGroupByKey input, Beam cannot tell its side inputs
// from its grouped inputs there. Its counts go out once per order, summed downstream by a lifted
// combine.
type orderItemsFn struct {
	Source    string
	CheckSKUs bool
	skus      map[string]bool
	rejected  map[string]string
}

func (f *orderItemsFn) ProcessElement(
	ctx context.Context,
	orderID string,
	items func(*schemas.OrderItem) bool,
	orders func(*bool) bool,
	skus func(*string) bool,
	rejected func(*string, *string) bool,
	emit func(schemas.OrderItem),
	reject func(schemas.Reject),
	count func(string, int64),
) {
	if f.skus == nil {
		f.skus, f.rejected = sideinput.Set(skus), RejectedProducts(rejected)
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
			reject(
				refReject(
					f.Source,
					"orphan_item",
					fmt.Sprintf("order %q is not among the cleaned orders", orderID),
					item,
				),
			)
		case f.CheckSKUs && !f.skus[item.SKU]:
			reason, detail := missingProduct(item.SKU, f.rejected)
			key.Measure, key.Reason = quality.Rejected, reason
			reject(refReject(f.Source, reason, detail, item))
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
	fnreg.DoFn8x0[context.Context, beam.X, func() func(*string) bool, func() func(*string) bool,
		func() func(*string, *string) bool,
		func(beam.X), func(schemas.Reject), func(string, int64)](
		&refsFn{},
	)
	fnreg.DoFn9x0[context.Context, string, func(*schemas.OrderItem) bool, func(*bool) bool,
		func(*string) bool,
		func(*string, *string) bool, func(schemas.OrderItem), func(schemas.Reject), func(string, int64)](
		&orderItemsFn{},
	)
	register.Iter2[string, string]()
	register.Iter1[string]()
	register.Iter1[bool]()
	register.Iter1[schemas.OrderItem]()
	register.Emitter1[schemas.OrderItem]()
}
