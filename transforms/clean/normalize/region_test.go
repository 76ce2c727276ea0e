package normalize

import "testing"

// TestProvince: the spellings of one province are one value, its short name; values that name no
// province are kept as they are.
func TestProvince(t *testing.T) {
	for in, want := range map[string]string{
		"广东省":      "广东",
		"广东":       "广东",
		" 广东省 ":    "广东",
		"北京市":      "北京",
		"上海":       "上海",
		"广西壮族自治区":  "广西",
		"内蒙古自治区":   "内蒙古",
		"新疆维吾尔自治区": "新疆",
		"香港特别行政区":  "香港",
		"黑龙江省":     "黑龙江",
		"":         "",
		"Ontario":  "Ontario",
		"某某省":      "某某省",
	} {
		if got := Province(in); got != want {
			t.Errorf("Province(%q) = %q, want %q", in, got, want)
		}
	}
}
