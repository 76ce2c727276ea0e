package normalize

import "strings"

// Enum folds raw (width, spaces, case) and looks it up in synonyms, whose keys
// are lower-case. It returns the canonical value and whether raw was known.
func Enum(raw string, synonyms map[string]string) (string, bool) {
	v, ok := synonyms[strings.ToLower(Fold(raw))]
	return v, ok
}

// synonyms builds a lookup map from canonical value to its spellings.
func synonyms(m map[string][]string) map[string]string {
	out := make(map[string]string)
	for canonical, names := range m {
		out[canonical] = canonical
		for _, n := range names {
			out[n] = canonical
		}
	}
	return out
}

// Synonym maps for Enum, used by the clean stage. Treat them as read-only.
var (
	// Genders maps to male, female, or "" (unknown: found but no value).
	Genders = synonyms(map[string][]string{
		"male":   {"m", "男", "1", "man"},
		"female": {"f", "女", "2", "woman"},
		"":       {"unknown", "u", "0", "未知", "保密"},
	})
	// Channels maps the platform a user or order came through to app, web or mini_program.
	Channels = synonyms(map[string][]string{
		"app":          {"ios", "android"},
		"web":          {"pc", "h5", "m", "wap"},
		"mini_program": {"mini", "miniprogram", "wechat_mini", "小程序", "weapp"},
	})
	// OrderStatuses maps order states to created, paid, shipped, completed, cancelled or refunded.
	OrderStatuses = synonyms(map[string][]string{
		"created":   {"pending", "unpaid"},
		"paid":      {},
		"shipped":   {"delivering"},
		"completed": {"done", "finished", "received"},
		"cancelled": {"canceled", "closed"},
		"refunded":  {"refund"},
	})
	// EventTypes maps clickstream event names to view, search, cart, favourite, follow, share, login
	// or checkout.
	EventTypes = synonyms(map[string][]string{
		"view":      {"pv", "page_view", "detail"},
		"search":    {},
		"cart":      {"add_cart", "add_to_cart"},
		"favourite": {"fav", "favorite", "collect"},
		"follow":    {},
		"share":     {},
		"login":     {},
		"checkout":  {"pay"},
	})
	// TouchChannels maps marketing touch channels to push, sms or email.
	TouchChannels = synonyms(map[string][]string{
		"push":  {"app_push"},
		"sms":   {"短信"},
		"email": {"e-mail", "edm"},
	})
	// TouchActions maps marketing touch actions to send, deliver, open, click, bounce or unsubscribe.
	TouchActions = synonyms(map[string][]string{
		"send":        {"sent"},
		"deliver":     {"delivered"},
		"open":        {"opened", "read"},
		"click":       {"clicked"},
		"bounce":      {"bounced", "failed"},
		"unsubscribe": {"unsub", "optout"},
	})
	// TicketCategories maps customer-service ticket categories to complaint, return, delivery, inquiry
	// or other.
	TicketCategories = synonyms(map[string][]string{
		"complaint": {"投诉"},
		"return":    {"refund", "退货", "退款"},
		"delivery":  {"logistics", "物流"},
		"inquiry":   {"question", "咨询"},
		"other":     {"其他"},
	})
	// TicketStatuses maps ticket states to open, pending or closed.
	TicketStatuses = synonyms(map[string][]string{
		"open":    {"new", "待处理"},
		"pending": {"processing", "处理中"},
		"closed":  {"resolved", "done", "已解决", "已关闭"},
	})
	// IncomeBands maps vendor income bands to low, lower_middle, middle, upper_middle or high.
	IncomeBands = synonyms(map[string][]string{
		"low":          {"低"},
		"lower_middle": {"中低"},
		"middle":       {"中"},
		"upper_middle": {"中高"},
		"high":         {"高"},
	})
)

// Bool parses true/false, 1/0, yes/no, y/n, t/f and 是/否, in any case.
func Bool(raw string) (bool, error) {
	switch strings.ToLower(Fold(raw)) {
	case "true", "1", "yes", "y", "t", "是":
		return true, nil
	case "false", "0", "no", "n", "f", "否":
		return false, nil
	}
	return false, bad("bool", raw, "not one of true/false, 1/0, yes/no, y/n, t/f, 是/否")
}
