package normalize

import (
	"regexp"
	"slices"
	"strings"
)

// orderRefInText is an order number cited in free text: 订单, 订单号 or 订单编号, or "order" with an
// optional "no.", "number", "id" or "#", then an optional colon, and the number itself (letters,
// digits and dashes).
var orderRefInText = regexp.MustCompile(
	`(?i)(?:订单(?:编号|号)?|order\s*(?:no\.?|number|id|#)?)\s*[:：#]?\s*([0-9a-z][0-9a-z\-]{5,39})`,
)

// OrderRefs returns the order numbers a text cites (customer-service notes such as "订单号：
// 202611160006856039，下单好几天了"), sorted, once each. Read it from the raw text, before MaskPII: an
// order number of a shop whose numbers look like a phone or an ID would be masked. A reference
// needs a digit, so "order status" cites nothing.
func OrderRefs(text string) []string {
	text = Fold(text)
	var out []string
	for _, m := range orderRefInText.FindAllStringSubmatch(text, -1) {
		if ref := strings.TrimRight(m[1], "-"); strings.ContainsAny(ref, "0123456789") {
			out = append(out, ref)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
